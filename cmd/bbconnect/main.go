// Command bbconnect sets up Bitbucket connectors for Harness: a terminal
// wizard, or every setting as a flag, with a live connection test, the
// tokens in the OS keychain and a Harness YAML or Terraform export.
package main

import (
	"os"

	"github.com/bbconnect/bbconnect/cmd/bbconnect/cli"
	"github.com/bbconnect/bbconnect/cmd/bbconnect/wire"
)

func main() { os.Exit(cli.Main(cli.Version, wire.Wire)) }
