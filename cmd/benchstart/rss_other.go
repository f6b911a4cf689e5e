//go:build !linux

package main

import (
	"errors"
	"os"
)

func maxRSSKB(*os.ProcessState) (int64, error) {
	return 0, errors.New("peak RSS is measured on linux only")
}
