// Command fcdeploy validates, plans, applies and promotes Function Compute
// deployments described in fcdeploy.yaml, and serves a local Function Compute.
package main

import "os"

func main() {
	os.Exit(run(os.Args[1:], systemStreams()))
}
