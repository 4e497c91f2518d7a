// Package compat proves that Function Compute clients nobody on this project wrote work
// against `fcdeploy serve`: the official Node SDK @alicloud/fc2 2.6.6 (sdk.test.js, every
// non-invoke operation of 2018; current_api.test.js, layers, provision and on-demand configs,
// tags and account reads) and Funcraft @alicloud/fun 3.6.24 (funcraft.sh, `fun deploy -y` twice).
//
// It owns the Go harness (compat_test.go) that builds the CLI, starts `fcdeploy serve` as a
// subprocess on a free 127.0.0.1 port with a temp data dir, installs the pinned npm packages
// once (`npm ci`, from package-lock.json) and runs the Node tests against it. FINDINGS.md
// records what these clients send and which server behaviours are still missing.
//
// It must not import localfc or fake a server: the point is the real binary speaking to real
// clients over the wire. Nothing imports this package; it has no exported API.
package compat
