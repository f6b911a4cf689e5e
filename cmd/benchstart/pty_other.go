//go:build !unix

package main

import (
	"errors"
	"time"
)

var (
	bbconnectMarkers []string
	ghMarkers        []string
)

func firstScreen(string, []string, bool, []string) (time.Duration, error) {
	return 0, errors.New("start-up is measured on a unix pseudo-terminal only")
}

func version(string) (time.Duration, error) {
	return 0, errors.New("start-up is measured on unix only")
}
