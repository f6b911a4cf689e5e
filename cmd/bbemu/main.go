// Command bbemu runs the local Bitbucket emulator on loopback: Bitbucket
// Cloud and Data Center REST subsets, git over smart HTTP and SSH, and TLS
// with its own CA. It prints the URLs, the CA and known_hosts paths and the
// demo credentials (all fake), then serves until interrupted.
//
//	go run ./cmd/bbemu [--dir DIR] [--latency 50ms] [--extra-repos N] [--dc-context /bitbucket] [--json | --env]
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/bbconnect/bbconnect/cmd/bbemu/emu"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "bbemu:", err)
		}
		os.Exit(2)
	}
}

// config is the parsed command line.
type config struct {
	opts    emu.Options
	jsonOut bool
	envOut  bool
}

func parseFlags(args []string, stderr io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("bbemu", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.opts.Dir, "dir", "", "working dir for repositories, CA, keys and known_hosts (reused across runs; a temp dir when empty)")
	fs.DurationVar(&c.opts.Latency, "latency", 0, "delay added to every HTTP request and SSH session, e.g. 150ms")
	fs.IntVar(&c.opts.ExtraRepos, "extra-repos", 0, "generated repositories added to the Cloud workspace and the DC project listings")
	fs.StringVar(&c.opts.DCContext, "dc-context", "", "Data Center context path, e.g. /bitbucket")
	fs.BoolVar(&c.jsonOut, "json", false, "print the URLs, paths and demo values as one JSON object")
	fs.BoolVar(&c.envOut, "env", false, "print export lines for the bbconnect environment variables (then the demo values as comments and \"# ready\")")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	switch {
	case fs.NArg() > 0:
		return c, fmt.Errorf("unexpected argument %q: bbemu takes flags only", fs.Arg(0))
	case c.jsonOut && c.envOut:
		return c, errors.New("choose one of --json and --env")
	case c.opts.Latency < 0:
		return c, errors.New("--latency must be zero or more")
	case c.opts.ExtraRepos < 0:
		return c, errors.New("--extra-repos must be zero or more")
	}
	return c, nil
}

// run starts the emulator, prints what the flags ask for and serves until
// ctx ends.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	began := time.Now()
	srv, err := emu.Start(c.opts)
	if err != nil {
		return err
	}
	switch {
	case c.jsonOut:
		err = json.NewEncoder(stdout).Encode(describe(srv))
	case c.envOut:
		_, err = io.WriteString(stdout, envLines(srv)+commented(banner(srv, time.Since(began)))+"# ready\n")
	default:
		_, err = io.WriteString(stdout, banner(srv, time.Since(began)))
	}
	if err != nil {
		_ = srv.Close()
		return err
	}
	<-ctx.Done()
	return srv.Close()
}

// info is the --json output.
type info struct {
	CloudURL       string   `json:"cloud_url"`
	CloudAPIURL    string   `json:"cloud_api_url"`
	DCURL          string   `json:"dc_url"`
	SSHAddr        string   `json:"ssh_addr"`
	MismatchURL    string   `json:"mismatch_url"`
	RefusedAddr    string   `json:"refused_addr"`
	CAFile         string   `json:"ca_file"`
	KnownHostsFile string   `json:"known_hosts_file"`
	Demo           emu.Demo `json:"demo"`
}

func describe(s *emu.Server) info {
	return info{
		CloudURL: s.CloudURL, CloudAPIURL: s.CloudAPIURL, DCURL: s.DCURL, SSHAddr: s.SSHAddr,
		MismatchURL: s.MismatchURL, RefusedAddr: s.RefusedAddr, CAFile: s.CAFile, KnownHostsFile: s.KnownHostsFile,
		Demo: s.Demo,
	}
}

// envLines are the variables bbconnect reads to point at the emulator.
// Only URLs and paths: no secret goes into the environment.
func envLines(s *emu.Server) string {
	vars := [][2]string{
		{"BBCONNECT_CLOUD_URL", s.CloudURL},
		{"BBCONNECT_CLOUD_API_URL", s.CloudAPIURL},
		{"BBCONNECT_DC_URL", s.DCURL}, // not read by bbconnect: the Data Center URL to type in the wizard
		{"BBCONNECT_CLOUD_SSH", s.SSHAddr},
		{"BBCONNECT_CA_FILE", s.CAFile},
		{"BBCONNECT_KNOWN_HOSTS", s.KnownHostsFile},
	}
	var b strings.Builder
	for _, v := range vars {
		fmt.Fprintf(&b, "export %s=%s\n", v[0], shellQuote(v[1]))
	}
	return b.String()
}

// commented prefixes every line with "# " so the --env output can be
// sourced as it is while still showing the demo values.
func commented(text string) string {
	var b strings.Builder
	for line := range strings.Lines(text) {
		b.WriteString(strings.TrimRight("# "+line, " \n") + "\n")
	}
	return b.String()
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

func banner(s *emu.Server, took time.Duration) string {
	d := s.Demo
	var b strings.Builder
	p := func(format string, a ...any) { fmt.Fprintf(&b, format+"\n", a...) }
	p("bbemu: local Bitbucket emulator ready in %s (Ctrl-C to stop). Every credential below is fake.", took.Round(time.Millisecond))
	p("")
	p("Bitbucket Cloud")
	p("  git (bitbucket.org)    %s/%s/%s.git", s.CloudURL, d.Workspace, d.Repo)
	p("  REST (api.bitbucket.org) %s/2.0", s.CloudAPIURL)
	p("  workspace / repos      %s / %s, %s (empty), %s", d.Workspace, d.Repo, d.EmptyRepo, d.OtherRepo)
	p("  username / email       %s / %s", d.Username, d.Email)
	p("  API token (all scopes) %s", d.APIToken)
	p("  API token (missing)    %s", d.APITokenMissingScopes)
	p("  API token (expired)    %s", d.APITokenExpired)
	p("  API token (no scopes)  %s", d.APITokenNoScopes)
	p("  workspace access token %s", d.AccessToken)
	p("  repo access token      %s", d.RepoAccessToken)
	p("  App Password           %s", d.AppPassword)
	p("")
	p("Bitbucket Data Center")
	p("  URL                    %s", s.DCURL)
	p("  git                    %s/scm/%s/%s.git", s.DCURL, strings.ToLower(d.DCProject), d.DCRepo)
	p("  user                   %s", d.DCUser)
	p("  personal token         %s", d.DCToken)
	p("  project token          %s (Bearer only)", d.DCProjectToken)
	p("")
	p("SSH (user git)")
	p("  address                %s  (Cloud ssh://git@%s/%s/%s.git, DC ssh://git@%s/%s/%s.git)",
		s.SSHAddr, s.SSHAddr, d.Workspace, d.Repo, s.SSHAddr, strings.ToLower(d.DCProject), d.DCRepo)
	p("  registered key (PEM)   %s", d.SSHKeyPath)
	p("  OpenSSH-format key     %s", d.OpenSSHKeyPath)
	p("  unregistered key       %s", d.UnregisteredSSHKeyPath)
	p("  known_hosts            %s", s.KnownHostsFile)
	p("")
	p("TLS")
	p("  CA certificate         %s", s.CAFile)
	p("  hostname mismatch      %s", s.MismatchURL)
	p("  connection refused     %s", s.RefusedAddr)
	return b.String()
}
