package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// TestServeLogsConfigWarnings: what check prints as warnings, serve logs
// at start, so an operator running only the daemon sees them too.
func TestServeLogsConfigWarnings(t *testing.T) {
	dir := t.TempDir()
	up := newUpstream(t)
	path := filepath.Join(dir, "config.yaml")
	cfg := daemonConfig(dir, "${TRIBUTARY_TEST_UNSET_TOKEN}",
		"  - {name: wire, url: "+up.srv.URL+"/rss2.xml}\n",
		"  - {slug: all, title: All, sources: [wire]}\n")
	writeFile(t, path, cfg)
	logger, logs := debugLogger()
	open(t, &Main{ConfigPath: path, Logger: logger})
	line := lineOf(t, cfg, "${TRIBUTARY_TEST_UNSET_TOKEN}")
	want := fmt.Sprintf("config.yaml:%d: ${TRIBUTARY_TEST_UNSET_TOKEN} is not set", line)
	if !strings.Contains(logs.String(), want) || !strings.Contains(logs.String(), "level=WARN") {
		t.Errorf("logs lack a warning %q:\n%s", want, logs.String())
	}
}

// TestStoreLogsThroughDaemon: the store logs (migrations here) through the
// daemon's logger, not into a discarded default.
func TestStoreLogsThroughDaemon(t *testing.T) {
	dir := t.TempDir()
	up := newUpstream(t)
	path := filepath.Join(dir, "config.yaml")
	writeFile(t, path, daemonConfig(dir, "",
		"  - {name: wire, url: "+up.srv.URL+"/rss2.xml}\n",
		"  - {slug: all, title: All, sources: [wire]}\n"))
	logger, logs := debugLogger()
	open(t, &Main{ConfigPath: path, Logger: logger})
	if !strings.Contains(logs.String(), `msg="applied migration" name=migrations/0001_init.sql`) {
		t.Errorf("a fresh store's migrations are not in the daemon's log:\n%s", logs.String())
	}
}
