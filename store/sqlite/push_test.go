package sqlite_test

import (
	"testing"

	"github.com/tributaryfeeds/tributary/store/storetest"
)

func TestPushConformance(t *testing.T) {
	storetest.RunPush(t, opener{})
}
