package demo

import (
	"context"
	"os"
	"os/exec"

	"github.com/chromedp/chromedp"
)

// Chromium returns the path of a Chromium or Chrome binary: $CHROMIUM, else
// /usr/bin/chromium (Debian's, which .ci/run installs), else one on PATH;
// "" when there is none.
func Chromium() string {
	if p := os.Getenv("CHROMIUM"); p != "" {
		return p
	}
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// Browser starts headless Chromium at path and returns a context for its
// first tab. cancel closes the browser; call it on every path. The flags
// keep Chromium off the network (this machine has none to offer) and let
// it run as root, as CI does.
func Browser(parent context.Context, path string) (context.Context, context.CancelFunc) {
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.NoFirstRun,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("hide-scrollbars", true),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(parent, opts...)
	ctx, cancelTab := chromedp.NewContext(allocCtx)
	return ctx, func() {
		cancelTab()
		cancelAlloc()
	}
}
