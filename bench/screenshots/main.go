// Command screenshots regenerates the screenshots in docs/screenshots: it
// builds tributary, runs it over the demo newsroom (internal/demo) on
// loopback, and has headless Chromium photograph each page on a wide
// screen and on a phone, in light and dark mode. Run it with
// docs/screenshots.sh.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/tributaryfeeds/tributary/internal/demo"
)

// shot is one screenshot: a page at a width, in a colour scheme.
type shot struct {
	file   string
	path   string
	width  int64
	scheme string // light or dark
}

var shots = []shot{
	{"index.png", "/", 1280, "light"},
	{"feed.png", "/feeds/harbour", 1280, "light"},
	{"feed-dark.png", "/feeds/harbour", 1280, "dark"},
	{"feed-phone.png", "/feeds/wire", 390, "light"},
	{"status.png", "/status", 1280, "light"},
	{"status-phone.png", "/status", 390, "dark"},
	{"source.png", "/status/sources/city-hall", 1280, "light"},
	{"source-failing.png", "/status/sources/port-authority-notices-and-tide-tables-for-the-inner-harbour", 1280, "dark"},
}

func main() {
	out := flag.String("out", "docs/screenshots", "directory for the PNG files")
	bin := flag.String("bin", "", "tributary binary (default: go build ./cmd/tributary into a temporary directory)")
	flag.Parse()
	if err := run(*out, *bin); err != nil {
		fmt.Fprintln(os.Stderr, "screenshots:", err)
		os.Exit(1)
	}
}

func run(out, bin string) error {
	chromium := demo.Chromium()
	if chromium == "" {
		return errors.New("no Chromium found: install chromium or set CHROMIUM")
	}
	tmp, err := os.MkdirTemp("", "tributary-screenshots")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	if bin == "" {
		bin = filepath.Join(tmp, "tributary")
		build := exec.Command("go", "build", "-o", bin, "./cmd/tributary")
		build.Stdout, build.Stderr = os.Stdout, os.Stderr
		if err := build.Run(); err != nil {
			return fmt.Errorf("go build: %w", err)
		}
	}
	up, err := demo.Start(time.Now)
	if err != nil {
		return err
	}
	defer up.Close()

	addr, err := freeAddr()
	if err != nil {
		return err
	}
	cfg := filepath.Join(tmp, "config.yaml")
	// The base URL readers would see; pages link each other by path, so
	// they work on the loopback address.
	if err := os.WriteFile(cfg, []byte(demo.Config(tmp, addr, "https://feeds.example.org", adminToken, up.URL)), 0o644); err != nil {
		return err
	}
	daemon := exec.Command(bin, "serve", "-config", cfg)
	daemon.Stderr = os.Stderr
	if err := daemon.Start(); err != nil {
		return err
	}
	defer func() {
		_ = daemon.Process.Signal(os.Interrupt)
		_ = daemon.Wait()
	}()
	base := "http://" + addr
	if err := waitReady(base); err != nil {
		return err
	}
	// A few more fetches, so the source pages show a history.
	for _, name := range []string{"city-hall", "port-authority-notices-and-tide-tables-for-the-inner-harbour"} {
		if err := refresh(base, name, 4); err != nil {
			return err
		}
	}

	ctx, cancel := demo.Browser(context.Background(), chromium)
	defer cancel()
	ctx, cancelT := context.WithTimeout(ctx, 2*time.Minute)
	defer cancelT()
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	for _, s := range shots {
		png, err := take(ctx, base, s)
		if err != nil {
			return fmt.Errorf("%s: %w", s.file, err)
		}
		if err := os.WriteFile(filepath.Join(out, s.file), png, 0o644); err != nil {
			return err
		}
		fmt.Printf("%s\t%s, %d px, %s\n", filepath.Join(out, s.file), s.path, s.width, s.scheme)
	}
	return nil
}

// take photographs one page, whole, once its images have loaded.
func take(ctx context.Context, base string, s shot) ([]byte, error) {
	scale := 1.0
	if s.width < 600 {
		scale = 2 // a phone's pixel density, so the text stays crisp
	}
	media := emulation.SetEmulatedMediaParams{Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: s.scheme}}}
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, media); err != nil {
		return nil, err
	}
	if err := chromedp.Do(ctx,
		chromedp.EmulateViewport(s.width, 800, chromedp.EmulateScale(scale)),
		chromedp.Navigate(base+s.path),
	); err != nil {
		return nil, err
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[chromedp.Void](`[...document.images].every(i => i.complete)`,
		chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		return nil, err
	}
	return chromedp.Run(ctx, chromedp.FullScreenshot(100))
}

// adminToken opens the demo daemon's admin routes, for refreshes.
const adminToken = "screenshots-only-admin-token"

// refresh has the daemon fetch the source until its history holds n
// fetches.
func refresh(base, name string, n int) error {
	for range 100 {
		resp, err := http.Get(base + "/status/sources/" + name + ".json")
		if err != nil {
			return err
		}
		var doc struct {
			Fetches []json.RawMessage `json:"fetches"`
		}
		err = json.NewDecoder(resp.Body).Decode(&doc)
		resp.Body.Close()
		if err != nil {
			return fmt.Errorf("history of %s: %w", name, err)
		}
		if len(doc.Fetches) >= n {
			return nil
		}
		req, err := http.NewRequest(http.MethodPost, base+"/admin/sources/"+name+"/refresh", nil)
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", "Bearer "+adminToken)
		resp, err = http.DefaultClient.Do(req)
		if err != nil {
			return err
		}
		resp.Body.Close()
		time.Sleep(300 * time.Millisecond)
	}
	return fmt.Errorf("%s: the history did not reach %d fetches", name, n)
}

// freeAddr returns a loopback address with a free port.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// waitReady waits until the daemon serves and every source has been
// fetched once, so the pages show what an operator would see.
func waitReady(base string) error {
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
		resp, err := http.Get(base + "/status.json")
		if err != nil {
			continue
		}
		var doc struct {
			Sources []struct {
				LastFetch *time.Time `json:"last_fetch"`
			} `json:"sources"`
		}
		err = json.NewDecoder(resp.Body).Decode(&doc)
		resp.Body.Close()
		if err != nil || len(doc.Sources) == 0 {
			continue
		}
		done := true
		for _, s := range doc.Sources {
			done = done && s.LastFetch != nil
		}
		if done {
			// The feeds re-render shortly after the fetches are stored.
			time.Sleep(time.Second)
			return nil
		}
	}
	return errors.New("the daemon did not fetch every source within 30 s")
}
