// Command bbemu runs the local Bitbucket emulator on loopback: Bitbucket
// Cloud and Data Center REST subsets, git over smart HTTP and SSH, TLS
// with its own CA, and a Harness Platform API stand-in on its own port. It
// prints the URLs, the CA and known_hosts paths and the demo credentials
// (all fake), then serves until interrupted.
//
//	go run ./cmd/bbemu [--dir DIR] [--latency 50ms] [--extra-repos N] [--dc-context /bitbucket]
//	    [--harness-orgs 3] [--harness-projects 5] [--harness-latency 0] [--fault SPEC]… [--harness-fault SPEC]… [--json | --env]
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
	faults  []emu.Fault
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
	fs.BoolVar(&c.envOut, "env", false, "print export lines for the bbconnect and Harness environment variables (then the demo values as comments and \"# ready\")")
	fs.IntVar(&c.opts.HarnessOrgs, "harness-orgs", 3, "organisations in the Harness stand-in's account")
	fs.IntVar(&c.opts.HarnessProjects, "harness-projects", 5, "projects in each organisation of the Harness stand-in")
	fs.DurationVar(&c.opts.HarnessLatency, "harness-latency", 0, "delay added to every Harness API call, e.g. 50ms")
	addFault := func(harness bool) func(string) error {
		return func(spec string) error {
			f, err := emu.ParseFault(spec, harness)
			if err == nil {
				c.faults = append(c.faults, f)
			}
			return err
		}
	}
	fs.Func("fault", "inject a Bitbucket fault (repeatable): rate-limit, server-error, hang, dc-anonymous, ssh-host-key-changed; see below", addFault(false))
	fs.Func("harness-fault", "inject a Harness fault (repeatable): rate-limit, server-error, hang, not-found-404, governance, html, test-error-envelope, test-blocked; see below", addFault(true))
	fs.Usage = func() { usage(fs) }
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
	case c.opts.HarnessOrgs < 1 || c.opts.HarnessProjects < 1:
		return c, errors.New("--harness-orgs and --harness-projects must be 1 or more")
	case c.opts.HarnessLatency < 0:
		return c, errors.New("--harness-latency must be zero or more")
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
	for _, f := range c.faults {
		srv.Inject(f)
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
	CloudURL       string          `json:"cloud_url"`
	CloudAPIURL    string          `json:"cloud_api_url"`
	DCURL          string          `json:"dc_url"`
	SSHAddr        string          `json:"ssh_addr"`
	MismatchURL    string          `json:"mismatch_url"`
	RefusedAddr    string          `json:"refused_addr"`
	CAFile         string          `json:"ca_file"`
	KnownHostsFile string          `json:"known_hosts_file"`
	Demo           emu.Demo        `json:"demo"`
	HarnessURL     string          `json:"harness_url"`
	HarnessTLSURL  string          `json:"harness_tls_url"`
	Harness        emu.HarnessDemo `json:"harness"`
}

func describe(s *emu.Server) info {
	return info{
		CloudURL: s.CloudURL, CloudAPIURL: s.CloudAPIURL, DCURL: s.DCURL, SSHAddr: s.SSHAddr,
		MismatchURL: s.MismatchURL, RefusedAddr: s.RefusedAddr, CAFile: s.CAFile, KnownHostsFile: s.KnownHostsFile,
		Demo: s.Demo, HarnessURL: s.HarnessURL, HarnessTLSURL: s.HarnessTLSURL, Harness: s.Harness,
	}
}

// envLines are the variables bbconnect reads to point at the emulator:
// URLs and paths, and the Harness stand-in's demo API key (fake, valid
// only against this emulator, as the Terraform provider's convention has
// it in HARNESS_PLATFORM_API_KEY). No Bitbucket secret goes into the
// environment.
func envLines(s *emu.Server) string {
	vars := [][2]string{
		{"BBCONNECT_CLOUD_URL", s.CloudURL},
		{"BBCONNECT_CLOUD_API_URL", s.CloudAPIURL},
		{"BBCONNECT_DC_URL", s.DCURL}, // not read by bbconnect: the Data Center URL to type in the wizard
		{"BBCONNECT_CLOUD_SSH", s.SSHAddr},
		{"BBCONNECT_CA_FILE", s.CAFile},
		{"BBCONNECT_KNOWN_HOSTS", s.KnownHostsFile},
		{"HARNESS_ENDPOINT", s.HarnessURL},
		{"HARNESS_ACCOUNT_ID", s.Harness.AccountID},
		{"HARNESS_PLATFORM_API_KEY", s.Harness.APIKey},
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
	p("  API token (to rotate)  %s", d.APITokenNext)
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
	p("")
	h := s.Harness
	p("Harness Platform API stand-in (x-api-key)")
	p("  endpoint               %s  (also %s)", s.HarnessURL, s.HarnessTLSURL)
	p("  account                %s  (%d organisations x %d projects)", h.AccountID, h.Orgs, h.ProjectsPerOrg)
	p("  API key (all)          %s", h.APIKey)
	p("  API key (read-only)    %s", h.ReadOnlyAPIKey)
	p("  service account key    %s", h.ServiceAccountKey)
	p("  expired API key        %s", h.ExpiredAPIKey)
	p("  seeded connectors      3 on App Passwords, 2 Cloud Http without API access, 1 Data Center, 1 SSH,")
	p("                         2 on API/access tokens, 1 with a wrong token (see bbemu --help)")
	return b.String()
}

// usage is --help: the flags, then the Harness stand-in, its seed and the
// faults.
func usage(fs *flag.FlagSet) {
	out := fs.Output()
	fmt.Fprint(out, `Usage: bbemu [flags]

bbemu serves, on loopback only, a Bitbucket Cloud and Data Center emulator (REST, git over
HTTPS and SSH, its own CA) and a Harness Platform API stand-in, then prints the URLs and the
demo credentials (all fake, random on every start). Point bbconnect at it with
  eval "$(bbemu --env)"

Flags:
`)
	fs.PrintDefaults()
	fmt.Fprint(out, `
Bitbucket side: bitbucket.org in a URL means this emulator (bbconnect follows BBCONNECT_CLOUD_URL,
BBCONNECT_CLOUD_API_URL and BBCONNECT_CLOUD_SSH), so for Cloud type https://bitbucket.org/WORKSPACE
with the workspace printed at start; Data Center has its own https://127.0.0.1:PORT URL.
  Credentials: one of each kind (API token with every scope and write:ssh-key:bitbucket, one
  missing scopes, one expired, one without scopes, workspace and repository access tokens, an
  App Password, Data Center personal and project tokens), printed at start.
  App Passwords: the emulator follows Bitbucket's timeline on its clock (BBCONNECT_NOW for
  bbconnect): they work before 2026-06-09, fail in 15-minute brownouts at 00/06/12/18 UTC until
  2026-07-28, and are refused after. The wizard offers them only before the removal date: to get
  an App Password connector today, run bbconnect with BBCONNECT_NOW=2026-05-01 (and the
  emulator shares no clock with it: its answers follow the real date), or save a failing one
  with bbconnect setup --non-interactive --password-kind app-password --save-failing.
  SSH keys: demo_rsa and demo_ed25519 are registered, unregistered_rsa is not. A key added
  through the API (Cloud POST /2.0/users/{uuid}/ssh-keys, Data Center POST /rest/ssh/1.0/keys)
  is accepted by the SSH server until the emulator stops, so a key the wizard makes can pass.
  Faults model Bitbucket misbehaving: rate-limit (429 with Retry-After), server-error, hang (no
  answer), dc-anonymous (Data Center treats the token as anonymous), ssh-host-key-changed (the
  SSH server presents another host key); see Faults below.

Harness stand-in (HARNESS_ENDPOINT, header x-api-key, query accountIdentifier):
  organisations, projects (paged), user/currentUser, secrets v2 (text, SSHKey, file secrets as
  multipart spec+file; values are never returned), Bitbucket connectors (get, create, update,
  delete, listV2, validateUniqueIdentifier) and testConnection. testConnection really tests:
  it takes the stored secret values and runs git's ref advertisement (HTTP or SSH) and the API
  call against this emulator's Bitbucket (bitbucket.org in a connector URL means this emulator),
  so a wrong token pushed to Harness fails Harness's test. Errors use Harness's envelopes:
  401 INVALID_TOKEN / EXPIRED_TOKEN, 403 NG_ACCESS_DENIED (read-only key), 400 INVALID_REQUEST,
  DUPLICATE_FIELD, and 400 RESOURCE_NOT_FOUND_EXCEPTION for a missing connector.

Seed (account acme; organisations default, platform, payments, then org_04…; projects web, api,
mobile, infra, data, then project_06…), with their secrets:
  account            bb_cloud_workspace (API token, Email and API Token)   bb_cloud_legacy (App Password)
  org default        bb_datacenter (Data Center, access token)
  org platform       bb_platform_http (Cloud Http, no API access: unknown)
  org payments       bb_payments_legacy (App Password, username from a secret)
  default/web        bb_web_app_password (App Password)   bb_web_ssh (SSH key, file secret + SSHKey)
  default/api        bb_api_http_only (Cloud Http, no API access: unknown)
  platform/web       bb_platform_access_token (workspace access token)
  payments/mobile    bb_mobile_wrong_token (a token Bitbucket does not know: its test fails)
App Passwords work only before their removal date (as on Bitbucket), so their tests fail today.

Faults (--fault for Bitbucket, --harness-fault for Harness; repeatable):
  `+strings.ReplaceAll(emu.FaultSpecHelp, "\n", "\n  ")+`
  Harness kinds: rate-limit (429, no Retry-After), server-error, hang, not-found-404 (a missing
  connector answers 404 instead of 400), governance (a create or update answers 200 with
  governanceMetadata and no entity), html (an HTML page, as from a wrong base URL),
  test-error-envelope (a failing testConnection answers 400 with Harness's hint chain, code
  HINT, instead of 200 with data.status FAILURE: the reference leaves open which one comes),
  test-blocked (testConnection fails as when Harness cannot reach Bitbucket, e.g. an IP
  allowlist, whatever the credentials: a rotation whose new token passes the local test but
  not Harness's, so bbconnect rotate puts the old one back).
  Examples: --harness-fault rate-limit,percent=30   --harness-fault server-error,status=503,first=2
            --harness-fault not-found-404           --fault hang,path=/2.0/user
            --harness-fault test-blocked,first=1
`)
}
