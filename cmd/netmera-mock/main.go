// Command netmera-mock runs a local, stateful fake of the Netmera REST API.
//
//	netmera-mock                       # :8080, default key, 1000 seeded users
//	netmera-mock -api-key k1 -api-key k2 -seed 7 -users 50000
//	netmera-mock healthcheck           # exit 0 when the fake is healthy
//	netmera-mock contract -base-url http://localhost:8080   # the contract suite against a server
//	netmera-mock help                  # every flag, subcommand and environment variable
//
// Every flag can also be set with an environment variable NETMERA_MOCK_<NAME>
// (dashes become underscores); a flag on the command line wins. The exit
// status is 0 on success, 1 on a failure, 2 on a mistake in the flags.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
	_ "time/tzdata" // -time-zone Europe/Istanbul works in the image, which has no zone database
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(exitCode(err, os.Stderr))
}
