package main

import (
	"context"
	"fmt"
	"time"
)

const (
	width, height = 80, 24
	wait          = 10 * time.Second
)

// shot is one named picture: the pane as captured, with its colours.
type shot struct {
	name string
	raw  string
}

// recorder drives one wizard run and keeps its pictures, and, when film
// is set, a frame after every action for the animated walkthrough.
type recorder struct {
	t      *term
	shots  []shot
	frames []string
	film   bool
}

// step is one action of a scenario.
type step func(ctx context.Context, r *recorder) error

// play runs the steps in order.
func (r *recorder) play(ctx context.Context, steps []step) error {
	for _, s := range steps {
		if err := s(ctx, r); err != nil {
			return err
		}
	}
	return nil
}

// frame adds the settled pane to the film.
func (r *recorder) frame(ctx context.Context) error {
	if !r.film {
		return nil
	}
	if n := len(r.frames); n > 0 {
		// A busy machine may not have drawn the key's effect yet: wait
		// for the screen to change (a key that changes nothing waits
		// out the limit), so that every run keeps the same frames.
		r.t.changed(ctx, r.frames[n-1], 2*time.Second)
	}
	raw, err := r.t.settled(ctx)
	if err != nil {
		return err
	}
	if n := len(r.frames); n == 0 || r.frames[n-1] != raw {
		r.frames = append(r.frames, raw)
	}
	return nil
}

// at waits until the focused field is title (the focus bar "┃ title"),
// then sends keys.
func at(title string, keys ...string) step {
	return func(ctx context.Context, r *recorder) error {
		if err := r.t.waitFor(ctx, "┃ "+title, wait); err != nil {
			return err
		}
		if len(keys) == 0 {
			return nil
		}
		if err := r.t.keys(ctx, keys...); err != nil {
			return err
		}
		return r.frame(ctx)
	}
}

// press sends tmux key names ("Enter", "Down", "C-c").
func press(keys ...string) step {
	return func(ctx context.Context, r *recorder) error {
		if err := r.t.keys(ctx, keys...); err != nil {
			return err
		}
		return r.frame(ctx)
	}
}

// leave sends the keys that end the program; no frame is kept (what the
// shell shows next names the temporary home folder).
func leave(keys ...string) step {
	return func(ctx context.Context, r *recorder) error { return r.t.keys(ctx, keys...) }
}

// typed types text literally.
func typed(text string) step {
	return func(ctx context.Context, r *recorder) error {
		if err := r.t.typeText(ctx, text); err != nil {
			return err
		}
		return r.frame(ctx)
	}
}

// pasted pastes a secret without putting it in an argument list.
func pasted(secret string) step {
	return func(ctx context.Context, r *recorder) error {
		if err := r.t.pasteSecret(ctx, secret); err != nil {
			return err
		}
		return r.frame(ctx)
	}
}

// snap waits for text, then keeps the settled pane as picture name.
func snap(name, text string) step {
	return func(ctx context.Context, r *recorder) error {
		if err := r.t.waitFor(ctx, text, 30*time.Second); err != nil {
			return fmt.Errorf("picture %s: %w", name, err)
		}
		raw, err := r.t.settled(ctx)
		if err != nil {
			return err
		}
		r.shots = append(r.shots, shot{name: name, raw: raw})
		if r.film {
			if n := len(r.frames); n == 0 || r.frames[n-1] != raw {
				r.frames = append(r.frames, raw)
			}
		}
		return nil
	}
}
