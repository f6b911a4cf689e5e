package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/bbconnect/bbconnect/cmd/bbemu/emu"
	"github.com/bbconnect/bbconnect/wizard"
	"github.com/bbconnect/bbconnect/wizard/conntest"
)

// listChildArg runs this program as the child that lists the repositories:
// its peak RSS is the listing's alone (the emulator runs in the parent).
const listChildArg = "-list-child"

// Environment of the child: where the emulator is and who lists.
const (
	envWorkspace = "BENCHSTART_WORKSPACE"
	envEmail     = "BENCHSTART_EMAIL"
	extraRepos   = 10000
)

// rssRow lists 10,003 repositories at 100 ms latency, concurrently, in a
// child process and adds the child's peak RSS.
func rssRow(t *table) error {
	srv, err := emu.Start(emu.Options{ExtraRepos: extraRepos})
	if err != nil {
		return fmt.Errorf("start the emulator: %w", err)
	}
	defer srv.Close()
	srv.SetLatency(100 * time.Millisecond)
	self, err := os.Executable()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, self, listChildArg) //nolint:gosec // this program, as the listing child
	cmd.Env = []string{
		conntest.EnvCloudAPIURL + "=" + srv.CloudAPIURL, conntest.EnvCAFile + "=" + srv.CAFile,
		envWorkspace + "=" + srv.Demo.Workspace, envEmail + "=" + srv.Demo.Email, "PATH=" + os.Getenv("PATH"),
	}
	cmd.Stdin = strings.NewReader(srv.Demo.APIToken + "\n") // the token on stdin, never in the environment
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("listing child: %w: %s", err, strings.TrimSpace(string(out)))
	}
	kb, err := maxRSSKB(cmd.ProcessState)
	if err != nil {
		return err
	}
	t.row("peak RSS of that listing (concurrent)", fmt.Sprintf("%.1f MB", float64(kb)/1024), "", strings.TrimSpace(string(out)))
	return nil
}

// listChild lists the workspace the parent's emulator serves.
func listChild() error {
	token, err := bufio.NewReader(os.Stdin).ReadString('\n')
	if err != nil {
		return errors.New("no token on standard input")
	}
	c := wizard.NewConnector()
	c.ID, c.Name = "bench", "bench"
	c.URLType, c.URL = wizard.Account, "https://bitbucket.org/"+os.Getenv(envWorkspace)
	c.Connection, c.PasswordKind, c.Username = wizard.HTTP, wizard.APIToken, "bench"
	c.APIAccess, c.APIEmail, c.APITokenSameAsPassword = wizard.APIEmailAPIToken, os.Getenv(envEmail), true
	cfg := conntest.ConfigFromEnv(os.Getenv)
	cfg.Deadline = time.Minute
	start := time.Now()
	repos, err := conntest.ListRepos(context.Background(), c, wizard.Secrets{Password: strings.TrimSpace(token)}, cfg)
	if err != nil {
		return err
	}
	fmt.Printf("%d repositories in %.2f s\n", len(repos), time.Since(start).Seconds())
	return nil
}
