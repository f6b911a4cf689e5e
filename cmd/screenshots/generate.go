package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
)

// recording is what one pass over the scenarios captured in one palette.
type recording struct {
	pal    palette
	shots  []shot
	frames []string // the walkthrough (first pass only)
}

// outputSet is everything a run makes, before it is written.
type outputSet struct {
	recs       []recording
	transcript map[string]string // accessible-mode transcripts by name
}

// generate records every scenario once per palette, each pass in a fresh
// emulator and home folder so both see the same state. The first pass
// also films the walkthrough and records the accessible transcripts.
//
// The passes run at the same time: each has its own tmux server and
// emulator, and the pictures do not depend on timing.
func generate(ctx context.Context, bin string, pals []palette) (*outputSet, error) {
	set := &outputSet{recs: make([]recording, len(pals))}
	errs := make([]error, len(pals))
	var wg sync.WaitGroup
	for i, pal := range pals {
		wg.Go(func() {
			rec, tr, err := record(ctx, bin, pal, i == 0)
			if err != nil {
				errs[i] = fmt.Errorf("%s pass: %w", pal.name, err)
				return
			}
			set.recs[i] = rec
			if tr != nil {
				set.transcript = tr
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return set, nil
}

func record(ctx context.Context, bin string, pal palette, first bool) (recording, map[string]string, error) {
	rec := recording{pal: pal}
	work, err := os.MkdirTemp("", "bbconnect-shots-")
	if err != nil {
		return rec, nil, err
	}
	defer os.RemoveAll(work)
	w, err := newWorld(work)
	if err != nil {
		return rec, nil, err
	}
	defer w.close()
	env := w.env
	if pal.name == lightPalette.name {
		env = append(env, "COLORFGBG=0;15") // the wizard picks its light-background colours
	}
	for i, sc := range scenarios {
		t, err := startTerm(ctx, fmt.Sprintf("bbshots-%d-%s-%d", os.Getpid(), pal.name, i), width, height, env, append([]string{bin}, homeArgs(sc.args, w.home)...)...)
		if err != nil {
			return rec, nil, err
		}
		r := &recorder{t: t, film: sc.film && first}
		err = r.play(ctx, sc.steps(w.srv))
		t.close()
		if err != nil {
			return rec, nil, fmt.Errorf("scenario %s: %w", sc.name, err)
		}
		rec.shots = append(rec.shots, r.shots...)
		if r.film {
			rec.frames = r.frames
		}
	}
	if !first {
		return rec, nil, nil
	}
	tr, err := transcripts(ctx, bin, w)
	return rec, tr, err
}
