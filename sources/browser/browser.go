// Package browser renders pages in headless Chromium for sources whose
// listing is built by JavaScript (render: browser). One browser process is
// shared by every source; each page gets its own tab in its own browser
// context (cookies and proxy are per page), bounded in number, closed on
// every path, and killed at the fetch's timeout. A browser that crashed is
// started again on the next render.
package browser

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os/exec"
	"sync"

	"github.com/chromedp/chromedp"
)

// Defaults used when an Options field is zero.
const (
	DefaultTabs = 4
)

// Names looks for these on PATH when no path is configured, in order.
var Names = []string{"chromium", "chromium-browser", "google-chrome"}

// ErrNoBrowser is returned (wrapped) when no browser binary can be found. Its
// text tells the operator how to get one.
var ErrNoBrowser = errors.New("no headless browser found for render: browser: install Chromium (apt-get install chromium) or set fetch.browser to its path")

// Find returns the browser binary: path when it is set (it must exist and
// be executable), else the first of Names found on PATH. Errors wrap
// ErrNoBrowser.
func Find(path string) (string, error) {
	if path != "" {
		p, err := exec.LookPath(path)
		if err != nil {
			return "", fmt.Errorf("fetch.browser %s: %w: %w", path, ErrNoBrowser, errors.Unwrap(err))
		}
		return p, nil
	}
	for _, name := range Names {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", ErrNoBrowser
}

// Options configures a Browser.
type Options struct {
	// Path is the browser binary (fetch.browser); empty searches PATH for
	// Names.
	Path string
	// Tabs bounds the pages open at once, across all sources
	// (fetch.concurrency). Zero: DefaultTabs.
	Tabs int
	// UserAgent is sent with every request; empty keeps the browser's own.
	UserAgent string
	// MaxBody caps the rendered HTML of one page (fetch.max_body). Zero:
	// no cap beyond the browser's.
	MaxBody int64
	// AllowPrivate lets pages and their resources reach loopback, private
	// and link-local addresses besides the page's own host
	// (fetch.allow_private).
	AllowPrivate bool
	// Logger receives the browser's starts and restarts. Nil discards.
	Logger *slog.Logger
}

// Browser is the shared headless browser. It starts on the first Render,
// so a configuration without browser sources never starts one. It is safe
// for concurrent use.
type Browser struct {
	opts Options
	log  *slog.Logger
	tabs chan struct{}

	mu          sync.Mutex
	ctx         context.Context // the browser's chromedp context; nil until started
	cancelCtx   context.CancelFunc
	cancelAlloc context.CancelFunc
	closed      bool
	starts      int // how many times a process was started, for tests and logs
}

// New returns a Browser; nothing starts until the first Render.
func New(opts Options) *Browser {
	if opts.Tabs <= 0 {
		opts.Tabs = DefaultTabs
	}
	b := &Browser{opts: opts, log: opts.Logger, tabs: make(chan struct{}, opts.Tabs)}
	if b.log == nil {
		b.log = slog.New(slog.DiscardHandler)
	}
	return b
}

// errClosed is returned by Render after Close.
var errClosed = errors.New("browser closed")

// browser returns the running browser's context, starting a process when
// there is none or the last one died (its context ends when the
// connection to the process is lost).
func (b *Browser) browser() (context.Context, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return nil, errClosed
	}
	if b.ctx != nil && b.ctx.Err() == nil {
		return b.ctx, nil
	}
	if b.ctx != nil {
		b.log.Warn("browser exited; starting it again", "starts", b.starts)
		b.stopLocked()
	}
	path, err := Find(b.opts.Path)
	if err != nil {
		return nil, err
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox, // needed as root (CI, containers)
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-breakpad", true),
		chromedp.Flag("mute-audio", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("metrics-recording-only", true),
		chromedp.Flag("password-store", "basic"),
	}
	if b.opts.UserAgent != "" {
		opts = append(opts, chromedp.UserAgent(b.opts.UserAgent))
	}
	// The browser outlives every fetch: its contexts derive from
	// Background, and Close ends them.
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx,
		chromedp.WithLogf(b.devtoolsLog), chromedp.WithErrorf(b.devtoolsLog))
	if err := chromedp.Do(ctx); err != nil { // starts the process
		cancel()
		cancelAlloc()
		return nil, fmt.Errorf("start browser %s: %w", path, err)
	}
	b.ctx, b.cancelCtx, b.cancelAlloc = ctx, cancel, cancelAlloc
	b.starts++
	b.log.Info("browser started", "path", path, "starts", b.starts)
	return ctx, nil
}

// devtoolsLog keeps chromedp's protocol chatter at debug level: it is
// about unknown events, not about the operator's sources.
func (b *Browser) devtoolsLog(format string, args ...any) {
	b.log.Debug("browser: " + fmt.Sprintf(format, args...))
}

func (b *Browser) stopLocked() {
	if b.cancelCtx != nil {
		b.cancelCtx()
	}
	if b.cancelAlloc != nil {
		b.cancelAlloc()
	}
	b.ctx, b.cancelCtx, b.cancelAlloc = nil, nil, nil
}

// Close stops the browser process. Renders after Close fail.
func (b *Browser) Close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.closed = true
	b.stopLocked()
	return nil
}

// Starts reports how many browser processes were started so far.
func (b *Browser) Starts() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.starts
}

// PID is the browser process's id, 0 when none runs; for measuring its
// memory (bench/browser).
func (b *Browser) PID() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.ctx == nil || b.ctx.Err() != nil {
		return 0
	}
	c := chromedp.FromContext(b.ctx)
	if c == nil || c.Browser == nil || c.Browser.Process() == nil {
		return 0
	}
	return c.Browser.Process().Pid
}

// OpenTabs counts the pages open in the browser now, the first blank tab
// included: it stays 1 between renders when every tab is closed.
func (b *Browser) OpenTabs() (int, error) {
	b.mu.Lock()
	bctx := b.ctx
	b.mu.Unlock()
	if bctx == nil || bctx.Err() != nil {
		return 0, nil
	}
	infos, err := chromedp.Targets(bctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, i := range infos {
		if i.Type == "page" {
			n++
		}
	}
	return n, nil
}
