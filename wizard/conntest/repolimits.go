package conntest

import (
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/bbconnect/bbconnect/wizard"
)

// MaxListedRepos is how many repositories a listing returns at most: the
// picker filters as the user types, and a name not listed can be typed.
const MaxListedRepos = 50_000

// listLimits bound one repository listing, so a server that claims
// millions of repositories or sends huge pages cannot exhaust memory.
type listLimits struct {
	repos     int   // repositories kept
	pages     int   // pages requested
	pageBytes int64 // bytes of one page
	bytes     int64 // bytes of all pages together
	field     int   // bytes of one name or slug kept
}

// defaultLimits: 50,000 repositories; Cloud pages hold 100 and Data
// Center pages up to 1,000, each well under 4 MiB in practice; 512 MiB
// read in all (50,000 repositories of Cloud's full representation are
// about 150 MiB).
var defaultLimits = listLimits{repos: MaxListedRepos, pages: 2_000, pageBytes: 4 << 20, bytes: 512 << 20, field: 256}

// CutError is what ListRepos returns, with the repositories it listed,
// when it stopped at one of its limits before the end of the listing.
type CutError struct {
	Listed int    // repositories returned
	Reason string // what was cut, lowercase
}

func (e *CutError) Error() string {
	return fmt.Sprintf("listed the first %s repositories only: %s; type a repository that is not listed",
		thousands(e.Listed), e.Reason)
}

// listStats is what one listing read.
type listStats struct {
	Pages int
	Bytes int64
	Repos int
}

// budget counts what a listing has read against its limits. Its methods
// are safe for concurrent pages.
type budget struct {
	lim   listLimits
	start time.Time

	mu    sync.Mutex
	pages int
	bytes int64
	repos int
	cut   string // the first reason the listing stopped early
	claim string // what the server says there is, when more than is read
}

// take reserves a page request and returns the byte limit for it; false
// when the listing has to stop.
func (b *budget) take() (int64, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch {
	case b.cut != "":
		return 0, false
	case b.repos >= b.lim.repos:
		b.stopLocked(fmt.Sprintf("the limit is %s", thousands(b.lim.repos)))
		return 0, false
	case b.pages >= b.lim.pages:
		b.stopLocked(fmt.Sprintf("the listing has more than %s pages", thousands(b.lim.pages)))
		return 0, false
	case b.bytes >= b.lim.bytes:
		b.stopLocked(fmt.Sprintf("the listing is larger than %s", mib(b.lim.bytes)))
		return 0, false
	}
	b.pages++
	return min(b.lim.pageBytes, b.lim.bytes-b.bytes), true
}

// read counts the bytes of a page.
func (b *budget) read(n int64) {
	b.mu.Lock()
	b.bytes += n
	b.mu.Unlock()
}

// full reports whether no more repositories are wanted. Call it only
// when the listing has more: a full budget then records the cut.
func (b *budget) full() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.repos >= b.lim.repos {
		b.stopLocked(fmt.Sprintf("the limit is %s", thousands(b.lim.repos)))
	}
	return b.cut != ""
}

// claims records what the server says there is, when the listing will
// not read all of it; it does not stop the listing.
func (b *budget) claims(what string) {
	b.mu.Lock()
	b.claim = what
	b.mu.Unlock()
}

// reason is what was cut, "" when the listing is complete.
func (b *budget) reason() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.claim != "" {
		return b.claim
	}
	return b.cut
}

// stop records why the listing stops early (the first reason wins).
func (b *budget) stop(reason string) {
	b.mu.Lock()
	b.stopLocked(reason)
	b.mu.Unlock()
}

func (b *budget) stopLocked(reason string) {
	if b.cut == "" {
		b.cut = reason
	}
}

// keep appends repos to all up to the repository limit (trimmed, see
// trim).
func (b *budget) keep(all, repos []Repo) []Repo {
	repos = b.trim(repos)
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, r := range repos {
		if b.repos >= b.lim.repos {
			b.stopLocked(fmt.Sprintf("the limit is %s", thousands(b.lim.repos)))
			break
		}
		all = append(all, r)
		b.repos++
	}
	return all
}

// trim drops repositories whose slug or owner is longer than any real
// one and shortens long names, copying the strings so that a page's
// (possibly huge) strings are not kept alive.
func (b *budget) trim(repos []Repo) []Repo {
	out := repos[:0]
	for _, r := range repos {
		if r.Slug == "" || len(r.Slug) > b.lim.field || len(r.Owner) > b.lim.field {
			continue
		}
		r.Owner, r.Slug = strings.Clone(r.Owner), strings.Clone(r.Slug)
		r.Name = wizard.OneLine(r.Name, b.lim.field)
		out = append(out, r)
	}
	return out
}

// stats returns what was read so far.
func (b *budget) stats() listStats {
	b.mu.Lock()
	defer b.mu.Unlock()
	return listStats{Pages: b.pages, Bytes: b.bytes, Repos: b.repos}
}

// mib renders a byte count in MiB (KiB below one MiB).
func mib(n int64) string {
	if n < 1<<20 {
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d MiB", n>>20)
}

// thousands renders n with a comma every three digits: 50,000.
func thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// dcPageLimit is the Data Center page size asked for (servers cap it,
// typically at 1000). Tests lower it.
var dcPageLimit = 1000
