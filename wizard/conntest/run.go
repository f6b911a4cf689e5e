package conntest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/bbconnect/bbconnect/wizard"
)

// Run tests connector c with secrets s: every check of Plan(c) runs at
// once, each under Config.CheckTimeout and all under Config.Deadline.
// Cancelling ctx (Ctrl+C) stops every check promptly; those that had not
// finished end skipped as cancelled and the report is not OK. progress,
// when not nil, is called (never concurrently) as each check starts and
// finishes. No text in the report contains a secret.
func Run(ctx context.Context, c wizard.Connector, s Secrets, cfg Config, progress func(Event)) Report {
	e := newEnv(c, s, cfg)
	defer e.close()
	fns := map[string]func(context.Context) finding{
		CheckReachGit:   e.checkReachGit,
		CheckReachAPI:   e.checkReachAPI,
		CheckGit:        e.checkGit,
		CheckAPI:        e.checkAPI,
		CheckScopes:     e.checkScopes,
		CheckVisibility: e.checkVisibility,
		CheckAge:        e.checkAge,
	}
	runCtx, cancel := context.WithTimeout(ctx, e.cfg.Deadline)
	defer cancel()
	var mu sync.Mutex
	emit := func(ev Event) {
		if progress == nil {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		progress(ev)
	}
	names := Plan(c)
	checks := make([]Check, len(names))
	var wg sync.WaitGroup
	for i, name := range names {
		emit(Event{Name: name})
		wg.Add(1)
		go func() {
			defer wg.Done()
			start := time.Now()
			f := runOne(runCtx, e.cfg.CheckTimeout, fns[name])
			if errors.Is(ctx.Err(), context.Canceled) && f.status != Pass && f.status != Warn {
				f = cancelled
			}
			ch := redact(Check{
				Name: name, Status: f.status, Diagnosis: f.diag, Fix: f.fix,
				DurationMS: e.since(start).Milliseconds(), HostKeyFingerprint: f.hostFP,
			}, s)
			checks[i] = ch
			emit(Event{Name: name, Done: true, Check: ch})
		}()
	}
	wg.Wait()
	r := Report{Connector: c.ID, Checks: checks, Cancelled: errors.Is(ctx.Err(), context.Canceled)}
	r.OK = !r.Cancelled && len(r.Failed()) == 0
	return r
}

// runOne runs one check under its own timeout; a panic becomes a failure.
func runOne(ctx context.Context, timeout time.Duration, fn func(context.Context) finding) (f finding) {
	if fn == nil {
		return skip("not implemented")
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	defer func() {
		if p := recover(); p != nil {
			f = failf("report this bug to the bbconnect maintainers", "internal error in the check: %s", wizard.OneLine(fmt.Sprint(p), 120))
		}
	}()
	return fn(ctx)
}
