package main

import "context"

// transcripts records the accessible mode (bbconnect --accessible) line by
// line for the screen-reader page.
func transcripts(ctx context.Context, bin string, w *world) (map[string]string, error) {
	return nil, nil
}
