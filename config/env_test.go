package config

import (
	"strings"
	"testing"
)

// TestEnvAfterParsing: ${VAR} values are inserted into parsed scalars, so
// YAML syntax in them is literal, and plain scalars still take the type of
// their value.
func TestEnvAfterParsing(t *testing.T) {
	env := map[string]string{
		"TOKEN": "!tok #0123456789 *x &y", "N": "3", "ON": "false", "NULLISH": "null",
		"EVERY": "@every 2h", "UA": `agent \x41 "quoted"`,
	}
	src := `server:
  admin_token: ${TOKEN}
fetch:
  concurrency: ${N}
  run_on_start: ${ON}
  schedule: ${EVERY}
  user_agent: "${UA}"
sources:
  - {name: a, url: "https://example.org/${NULLISH}/feed"}
  - name: b
    url: https://example.org/b
    tags: ["${NULLISH}", "${N}"]
feeds:
  - {slug: f, title: "${TOKEN}", sources: [a]}
`
	c, err := Parse("e.yaml", []byte(src), func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if c.Server.AdminToken != env["TOKEN"] || c.Feeds[0].Title != env["TOKEN"] {
		t.Errorf("token %q title %q, want %q", c.Server.AdminToken, c.Feeds[0].Title, env["TOKEN"])
	}
	if c.Fetch.Concurrency != 3 || c.Fetch.RunOnStart || c.Fetch.UserAgent != env["UA"] || c.Sources[0].Compiled.Schedule.Interval.Hours() != 2 {
		t.Errorf("fetch = %+v", c.Fetch)
	}
	if c.Sources[0].URL != "https://example.org/null/feed" || strings.Join(c.Sources[1].Tags, ",") != "null,3" {
		t.Errorf("url %q tags %q", c.Sources[0].URL, c.Sources[1].Tags)
	}
	before := c.Checksum
	env["TOKEN"] = "another-0123456789-token"
	c2, err := Parse("e.yaml", []byte(src), func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if c2.Checksum == before {
		t.Error("the checksum did not change with a variable's value")
	}
}

func TestEnvFlowHint(t *testing.T) {
	_, err := Parse("e.yaml", []byte("sources:\n  - {name: a, url: ${U}}\n"), noEnv)
	if err == nil || !strings.Contains(err.Error(), `(line 2: inside [...] or {...}, quote a ${VAR} reference`) {
		t.Errorf("err = %v, want a hint to quote the reference", err)
	}
}

// TestEnvErrorsNeverEchoValues: errors about values from the environment
// name the variable instead, even when they would quote part of a value;
// unknown keys are still found, at their lines.
func TestEnvErrorsNeverEchoValues(t *testing.T) {
	env := map[string]string{"N": "lots-of-secret", "T": "*short", "U": "ftp://user:pw@example.org/"}
	src := `server:
  admin_token: ${T}
fetch:
  concurrency: ${N}
  bogus: 1
sources:
  - {name: a, url: "${U}"}
`
	_, err := Parse("e.yaml", []byte(src), func(k string) string { return env[k] })
	if err == nil {
		t.Fatal("Parse succeeded")
	}
	msg := err.Error()
	for _, want := range []string{
		"e.yaml:2: server.admin_token: too short (6 characters)",
		"e.yaml:4: fetch.concurrency: cannot use string `${N}` as an integer",
		"e.yaml:5: fetch.bogus: unknown field",
		`e.yaml:7: sources[0].url: "${U}" is not an absolute http(s) URL`,
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("errors lack %q:\n%s", want, msg)
		}
	}
	for _, v := range env {
		if strings.Contains(msg, v) || strings.Contains(msg, "secret") || strings.Contains(msg, "pw@") {
			t.Errorf("errors echo %q:\n%s", v, msg)
		}
	}
}
