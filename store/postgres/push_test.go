package postgres_test

import (
	"testing"

	"github.com/tributaryfeeds/tributary/store/storetest"
)

func TestPushConformance(t *testing.T) {
	testDSN(t)
	storetest.RunPush(t, opener{})
}
