package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/bbconnect/bbconnect/cmd/bbemu/emu"
)

// line is one question of the accessible mode and the answer typed to it.
type line struct {
	prompt string // text that shows the question was asked
	answer string
	secret bool // pasted without echo, never in an argument list
}

// transcriptScenarios are the accessible-mode runs written as text.
var transcriptScenarios = []struct {
	name  string
	lines func(d emu.Demo) []line
}{
	{"cloud-http", cloudHTTPLines},
}

// cloudHTTPLines answer the accessible wizard for the same connector as
// the cloud-http pictures.
func cloudHTTPLines(d emu.Demo) []line {
	return []line{
		{prompt: "Name", answer: "Bitbucket Cloud Accessible"},
		{prompt: "Id", answer: ""},
		{prompt: "Description", answer: ""},
		{prompt: "Tags", answer: ""},
		{prompt: "Enter a number", answer: "1"}, // edition: Cloud
		{prompt: "Enter a number", answer: "1"}, // URL type: account
		{prompt: "Enter a number", answer: "1"}, // connection: HTTP
		{prompt: "Account URL", answer: "https://" + cloudHost + "/" + d.Workspace},
		{prompt: "Test repository", answer: d.Repo},
		{prompt: "Enter a number", answer: "1"}, // password kind: API token
		{prompt: "Confirm selection", answer: "0"},
		{prompt: "Username", answer: d.Username},
		{prompt: "API token", answer: d.APIToken, secret: true},
		{prompt: "API token expires", answer: ""},
		{prompt: "Enable API access?", answer: "y"},
		{prompt: "Enter a number", answer: "1"}, // API authentication
		{prompt: "Email", answer: d.Email},
		{prompt: "Use the API token you typed", answer: "y"},
		{prompt: "Enter a number", answer: "1"}, // connectivity
		{prompt: "Enter a number", answer: "1"}, // Harness scope
		{prompt: "What next?", answer: "1"},     // run the test, then save
		{prompt: "Save the connector now?", answer: "y"},
		{prompt: "Push it to Harness now", answer: "n"},
	}
}

// transcripts records the accessible mode (bbconnect --accessible) line by
// line for the screen-reader page: what it printed and what was typed,
// secrets shown as they were echoed (not at all).
func transcripts(ctx context.Context, bin string, w *world) (map[string]string, error) {
	out := map[string]string{}
	for i, sc := range transcriptScenarios {
		// A home folder of its own: a first-time setup, not the picker of
		// what the picture scenarios saved.
		home := filepath.Join(filepath.Dir(w.home), fmt.Sprintf("home-accessible-%d", i))
		env := append(append([]string(nil), w.env...), "HOME="+home, "BBCONNECT_CONFIG_DIR="+filepath.Join(home, ".config"))
		t, err := startTerm(ctx, fmt.Sprintf("bbshots-%d-acc-%d", os.Getpid(), i), width, height, env, bin, "--accessible")
		if err != nil {
			return nil, err
		}
		text, err := answerLines(ctx, t, sc.lines(w.srv.Demo))
		t.close()
		if err != nil {
			return nil, fmt.Errorf("accessible %s: %w", sc.name, err)
		}
		out[sc.name] = text
	}
	return out, nil
}

// answerLines answers each question once it shows after the previous
// answer, then returns the whole transcript.
func answerLines(ctx context.Context, t *term, lines []line) (string, error) {
	seen := 0
	for _, l := range lines {
		deadline := time.Now().Add(wait)
		for {
			h, err := t.history(ctx)
			if err != nil {
				return "", err
			}
			if i := strings.Index(h[min(seen, len(h)):], l.prompt); i >= 0 {
				seen += i + len(l.prompt)
				break
			}
			if time.Now().After(deadline) {
				return "", fmt.Errorf("waited for %q; the transcript ends:\n%s", l.prompt, tail(h, 600))
			}
			time.Sleep(50 * time.Millisecond)
		}
		var err error
		if l.secret {
			err = t.pasteSecret(ctx, l.answer)
		} else if l.answer != "" {
			err = t.typeText(ctx, l.answer)
		}
		if err == nil {
			err = t.keys(ctx, "Enter")
		}
		if err != nil {
			return "", err
		}
	}
	if err := t.waitFor(ctx, "Pane is dead", 30*time.Second); err != nil {
		return "", fmt.Errorf("%w\n%s", err, t.goroutines(ctx))
	}
	h, err := t.history(ctx)
	return cleanTranscript(h), err
}

// cleanTranscript keeps the wizard's conversation, up to the summary the
// command prints after the wizard (it names the temporary home folder) or
// tmux's note that the program ended.
func cleanTranscript(h string) string {
	var keep []string
	for _, l := range strings.Split(h, "\n") {
		if strings.HasPrefix(l, "✓ saved connector ") || strings.HasPrefix(l, "Pane is dead") {
			break
		}
		keep = append(keep, strings.TrimRight(l, " "))
	}
	return strings.TrimRight(strings.Join(keep, "\n"), "\n") + "\n"
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[len(s)-n:]
}
