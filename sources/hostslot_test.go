package sources

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/tributaryfeeds/tributary/internal/limit"
)

// TestHostSlot: a page rendered outside Get counts against per_host like
// a request.
func TestHostSlot(t *testing.T) {
	c := NewClient(ClientOptions{Hosts: limit.NewHosts(1)})
	release, err := c.HostSlot(context.Background(), "https://a.example/list")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := c.HostSlot(ctx, "https://a.example/other?key=secret"); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("second slot on a full host: %v", err)
	} else if want := "https://a.example/other?key=***"; err != nil && !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not name %q", err, want)
	}
	other, err := c.HostSlot(context.Background(), "https://b.example/")
	if err != nil {
		t.Fatalf("another host: %v", err)
	}
	other()
	release()
	again, err := c.HostSlot(context.Background(), "https://a.example/other")
	if err != nil {
		t.Fatalf("after release: %v", err)
	}
	again()
}
