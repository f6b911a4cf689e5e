package emu

import (
	"bytes"
	"context"
	"crypto/sha1" //nolint:gosec // fake commit ids for API-only repositories, not security
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// gitTools are the real git programs the emulator runs.
type gitTools struct {
	git        string // git, for http-backend and repository setup
	uploadPack string // git-upload-pack, for SSH
}

func findGit() (gitTools, error) {
	g, err := exec.LookPath("git")
	if err != nil {
		return gitTools{}, errors.New("git not found on PATH: install git to run the emulator")
	}
	up, err := exec.LookPath("git-upload-pack")
	if err != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		out, xerr := exec.CommandContext(ctx, g, "--exec-path").Output() //nolint:gosec // git with a fixed argument
		if xerr != nil {
			return gitTools{}, fmt.Errorf("find git-upload-pack: %w", xerr)
		}
		up = filepath.Join(strings.TrimSpace(string(out)), "git-upload-pack")
		if _, err := os.Stat(up); err != nil {
			return gitTools{}, errors.New("git-upload-pack not found: install git to run the emulator")
		}
	}
	return gitTools{git: g, uploadPack: up}, nil
}

// gitEnv is the whole environment of every git child: no secrets, no user
// or system config.
func (st *state) gitEnv(extra ...string) []string {
	env := []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + st.dir,
		"GIT_CONFIG_NOSYSTEM=1",
		"GIT_CONFIG_GLOBAL=" + os.DevNull,
		"GIT_TERMINAL_PROMPT=0",
		"LC_ALL=C",
	}
	return append(env, extra...)
}

// repoHeads maps a repository's path under its root to the commit on main.
type repoHeads map[string]string

// The roots of the bare repositories under the working dir.
func (st *state) cloudRoot() string { return filepath.Join(st.dir, "repos", "cloud") }
func (st *state) dcRoot() string    { return filepath.Join(st.dir, "repos", "dc") }

// createRepos makes (or reuses) the bare repositories, in parallel.
func (st *state) createRepos() (cloud, dc repoHeads, err error) {
	type job struct {
		root, rel string
		commit    bool
		head      string
		err       error
	}
	jobs := []*job{
		{root: st.cloudRoot(), rel: demoWorkspace + "/" + demoRepo + ".git", commit: true},
		{root: st.cloudRoot(), rel: demoWorkspace + "/" + demoEmptyRepo + ".git"},
		{root: st.cloudRoot(), rel: demoWorkspace + "/" + demoOtherRepo + ".git", commit: true},
		{root: st.dcRoot(), rel: strings.ToLower(demoDCProject) + "/" + demoDCRepo + ".git", commit: true},
	}
	var wg sync.WaitGroup
	for _, j := range jobs {
		wg.Go(func() { j.head, j.err = st.bareRepo(filepath.Join(j.root, j.rel), j.commit) })
	}
	wg.Wait()
	cloud, dc = repoHeads{}, repoHeads{}
	var errs []error
	for _, j := range jobs {
		errs = append(errs, j.err)
		if j.root == st.cloudRoot() {
			cloud[j.rel] = j.head
		} else {
			dc[j.rel] = j.head
		}
	}
	return cloud, dc, errors.Join(errs...)
}

const readyMarker = "bbemu-ready"

// bareRepo makes a bare repository at path with real git: `git init
// --bare` on main and, when commit is set, one commit with a README and an
// annotated tag v1.0.0. A repository a previous run finished is reused.
// It returns the commit on main ("" for an empty repository).
func (st *state) bareRepo(path string, commit bool) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := os.Stat(filepath.Join(path, readyMarker)); err == nil {
		if !commit {
			return "", nil
		}
		if head, err := st.runGit(ctx, path, nil, "rev-parse", "--verify", "refs/heads/main"); err == nil {
			return head, nil
		}
	}
	if err := os.RemoveAll(path); err != nil {
		return "", fmt.Errorf("reset repository %s: %w", path, err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return "", fmt.Errorf("create %s: %w", filepath.Dir(path), err)
	}
	if _, err := st.runGit(ctx, "", nil, "init", "--bare", "--quiet", "--initial-branch=main", path); err != nil {
		return "", err
	}
	head := ""
	if commit {
		var err error
		if head, err = st.seedCommit(ctx, path); err != nil {
			return "", err
		}
	}
	if err := writeFileAtomic(filepath.Join(path, readyMarker), []byte("ok\n"), 0o600); err != nil {
		return "", err
	}
	return head, nil
}

// seedCommit writes the README commit and the tag with git plumbing
// (no work tree needed). Dates are fixed, so the commit id is stable.
func (st *state) seedCommit(ctx context.Context, path string) (string, error) {
	slug := strings.TrimSuffix(filepath.Base(path), ".git")
	readme := "# " + slug + "\n\nA demo repository served by the bbconnect Bitbucket emulator.\n"
	blob, err := st.runGit(ctx, path, strings.NewReader(readme), "hash-object", "-w", "--stdin")
	if err != nil {
		return "", err
	}
	tree, err := st.runGit(ctx, path, strings.NewReader("100644 blob "+blob+"\tREADME.md\n"), "mktree")
	if err != nil {
		return "", err
	}
	id, err := st.runGit(ctx, path, nil, "commit-tree", tree, "-m", "Initial commit")
	if err != nil {
		return "", err
	}
	if _, err := st.runGit(ctx, path, nil, "update-ref", "refs/heads/main", id); err != nil {
		return "", err
	}
	if _, err := st.runGit(ctx, path, nil, "tag", "-a", "v1.0.0", "-m", "First release", id); err != nil {
		return "", err
	}
	return id, nil
}

// runGit runs git in gitDir (when set) with a fixed identity and date and
// returns its trimmed output.
func (st *state) runGit(ctx context.Context, gitDir string, stdin *strings.Reader, args ...string) (string, error) {
	const date = "2026-01-15T10:00:00Z"
	full := args
	if gitDir != "" {
		full = append([]string{"--git-dir=" + gitDir}, args...)
	}
	cmd := exec.CommandContext(ctx, st.git.git, full...) //nolint:gosec // git with arguments the emulator builds; never a secret
	cmd.Env = st.gitEnv(
		"GIT_AUTHOR_NAME="+demoDisplay, "GIT_AUTHOR_EMAIL="+demoEmail, "GIT_AUTHOR_DATE="+date,
		"GIT_COMMITTER_NAME="+demoDisplay, "GIT_COMMITTER_EMAIL="+demoEmail, "GIT_COMMITTER_DATE="+date,
	)
	if stdin != nil {
		cmd.Stdin = stdin
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("git %s: %w: %s", args[0], err, strings.TrimSpace(stderr.String()))
	}
	return strings.TrimSpace(string(out)), nil
}

// repo is one repository as the APIs list it.
type repo struct {
	owner  string // Cloud workspace slug or DC project key
	slug   string
	id     int    // DC numeric id
	head   string // commit on main ("" when empty); see mainCommit
	onDisk bool   // a bare repository exists (git works); false for generated extras
	rel    string // path under the edition's root, "owner/slug.git"
}

// mainCommit is the commit on main: the real one for repositories on
// disk ("" when empty), a stable fake one for API-only repositories.
func (r *repo) mainCommit() string {
	if !r.onDisk {
		return fakeHash(r.owner + "/" + r.slug)
	}
	return r.head
}

// uuid is the repository's stable Cloud uuid.
func (r *repo) uuid() string { return fakeUUID(r.owner + "/" + r.slug) }

// catalog is every repository the emulator lists.
type catalog struct {
	cloud    []*repo          // the demo workspace, in listing order
	dc       []*repo          // every DC repository, in listing order
	cloudIdx map[string]*repo // lower-case "owner/slug"
	dcIdx    map[string]*repo // lower-case "owner/slug"
}

func newCatalog(d Demo, extra int, cloudHeads, dcHeads repoHeads) catalog {
	var c catalog
	add := func(list *[]*repo, owner, slug string, heads repoHeads, relOwner string) {
		rel := relOwner + "/" + slug + ".git"
		head, ok := heads[rel]
		*list = append(*list, &repo{owner: owner, slug: slug, id: len(*list) + 1, head: head, onDisk: ok, rel: rel})
	}
	add(&c.cloud, d.Workspace, d.Repo, cloudHeads, d.Workspace)
	add(&c.cloud, d.Workspace, d.EmptyRepo, cloudHeads, d.Workspace)
	add(&c.cloud, d.Workspace, d.OtherRepo, cloudHeads, d.Workspace)
	add(&c.dc, d.DCProject, d.DCRepo, dcHeads, strings.ToLower(d.DCProject))
	for i := 1; i <= extra; i++ {
		slug := fmt.Sprintf("generated-%05d", i)
		add(&c.cloud, d.Workspace, slug, nil, d.Workspace)
		add(&c.dc, d.DCProject, slug, nil, strings.ToLower(d.DCProject))
	}
	add(&c.dc, demoDCOtherProject, demoDCOtherRepo, nil, strings.ToLower(demoDCOtherProject))
	c.cloudIdx, c.dcIdx = index(c.cloud), index(c.dc)
	return c
}

func index(list []*repo) map[string]*repo {
	m := make(map[string]*repo, len(list))
	for _, r := range list {
		m[strings.ToLower(r.owner+"/"+r.slug)] = r
	}
	return m
}

// cloudRepo finds a Cloud repository (slugs are case-insensitive).
func (c catalog) cloudRepo(ws, slug string) *repo {
	return c.cloudIdx[strings.ToLower(ws+"/"+slug)]
}

// dcRepo finds a DC repository (project keys and slugs are case-insensitive).
func (c catalog) dcRepo(project, slug string) *repo {
	return c.dcIdx[strings.ToLower(project+"/"+slug)]
}

// dcProjects lists the DC project keys in order.
func (c catalog) dcProjects() []string {
	var keys []string
	for _, r := range c.dc {
		found := false
		for _, k := range keys {
			found = found || k == r.owner
		}
		if !found {
			keys = append(keys, r.owner)
		}
	}
	return keys
}

func fakeHash(s string) string {
	sum := sha1.Sum([]byte("bbemu:" + s)) //nolint:gosec // a stable fake commit id
	return hex.EncodeToString(sum[:])
}

func fakeUUID(s string) string {
	h := fakeHash(s)
	return "{" + h[0:8] + "-" + h[8:12] + "-4" + h[13:16] + "-a" + h[17:20] + "-" + h[20:32] + "}"
}
