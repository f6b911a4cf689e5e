package tui

import (
	"errors"
	"net/http"
	"strings"

	"github.com/charmbracelet/huh"

	"github.com/bbconnect/bbconnect/wizard/harness"
)

// The accessible runner's push to Harness: the same places as the
// screens (nav.go: HarnessKey, Pushing, Pushed), asked line by line, a
// line of text per call.

// harnessAccess is where a push goes, read once from the keychain.
func (a *accessible) harnessAccess() HarnessAccess {
	if a.harness == nil {
		acc := a.d.Harness.Access(a.ctx)
		a.harness = &acc
	}
	return *a.harness
}

// offerPush asks, after a save o, whether to push it to Harness now.
func (a *accessible) offerPush(o saveOutcome) (bool, error) {
	if !canPush(a.d, o) {
		return false, nil
	}
	acc := a.harnessAccess()
	q := "Push it to Harness now (its secrets, the connector, then Harness's test)?"
	if acc.Account != "" {
		q = "Push it to Harness account " + acc.Account + " now (its secrets, the connector, then Harness's test)?"
	}
	return a.confirm(q, false)
}

// harnessKey asks for a Harness API key (and the account and URL when
// none is known), proves it and keeps it, as the key prompt does.
func (a *accessible) harnessKey() (navInput, error) {
	acc := a.harnessAccess()
	a.printf("\n== Harness API key ==\n")
	a.note(harnessKeyIntro(acc))
	for try := 0; try < maxTries; try++ {
		var key, account, endpoint string
		err := a.secret(secretInput{
			value: &key,
			title: func() string { return titleHarnessKey + " (pat.… or sat.…, not shown)" },
			check: func(v string) error { return checkHarnessKey(strings.TrimSpace(v)) },
		})
		if err != nil {
			return navInput{}, err
		}
		key = strings.TrimSpace(key)
		if acc.Account == "" && harness.APIKey(key).Account() == "" {
			if err := a.input(titleHarnessAccount+" (in the Harness URL: …/account/ID/…)", &account, true); err != nil {
				return navInput{}, err
			}
		}
		if acc.Endpoint == "" {
			a.note("empty: " + harness.DefaultEndpoint)
			if err := a.input(titleHarnessURL, &endpoint, false); err != nil {
				return navInput{}, err
			}
		}
		a.printf("proving the key with one read call (GET /ng/api/organizations)…\n")
		got, err := a.d.Harness.LogIn(a.ctx, key, strings.TrimSpace(account), strings.TrimSpace(endpoint))
		if a.ctx.Err() != nil {
			return navInput{}, ErrInterrupted
		}
		if err == nil {
			a.harness = &got
			a.printf("✓ the key works for account %s; it is in the OS keychain\n", got.Account)
			return navInput{ev: evNext}, nil
		}
		a.printf("✗ %v\n", err)
		again, err := a.confirm("Try another key?", true)
		if err != nil || !again {
			return navInput{ev: evBack}, err
		}
	}
	return navInput{ev: evBack}, nil
}

// input asks a line of text; required refuses an empty one.
func (a *accessible) input(title string, v *string, required bool) error {
	in := huh.NewInput().Title(title).Value(v)
	if required {
		in = in.Validate(func(s string) error {
			if strings.TrimSpace(s) == "" {
				return errors.New("type it: it cannot be empty")
			}
			return nil
		})
	}
	return runField(in, a.w, a.r)
}

// push pushes the connector, printing a line per call as it ends, then
// how it ended next to bbconnect's own last test.
func (a *accessible) push() (navInput, error) {
	id := a.st.connector().ID
	a.printf("\n== Push to Harness ==\n%s\n", pushHeading(id, a.harnessAccess(), nil))
	res, err := a.d.Harness.Push(a.ctx, id, func(c harness.Call) { a.printf("%s\n", callLine(c, 0)) })
	if a.ctx.Err() != nil {
		return navInput{}, ErrInterrupted
	}
	a.pushErr = err
	var he *harness.Error
	if errors.As(err, &he) && he.HTTPStatus == http.StatusUnauthorized && a.harness != nil {
		a.harness.HaveKey, a.harness.Refused = false, true
	}
	a.printf("%s", pushOutcome(Styles{}, res, err, false, localTestWords(a.nav.action, a.report, a.st.lastTest)))
	return navInput{ev: evSaved}, nil
}

// pushed asks what next after a push: go on, push again, another key.
func (a *accessible) pushed() (navInput, error) {
	const (
		next = iota
		again
		newKey
		quit
	)
	label := "Done"
	if a.nav.picker {
		label = "Back to the saved connectors"
	}
	opts := []huh.Option[int]{huh.NewOption(label, next), huh.NewOption("Push again", again)}
	var he *harness.Error
	if errors.As(a.pushErr, &he) && (he.HTTPStatus == http.StatusUnauthorized || he.HTTPStatus == http.StatusForbidden) {
		opts = append(opts, huh.NewOption("Enter another Harness key and push again", newKey))
	}
	if a.nav.picker {
		opts = append(opts, huh.NewOption("Quit", quit))
	}
	choice := next
	if err := choose(a, "What next?", opts, &choice); err != nil {
		return navInput{}, err
	}
	return navInput{ev: map[int]event{next: evNext, again: evPush, newKey: evNewKey, quit: evQuit}[choice]}, nil
}
