package main

import (
	"context"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/fcdeploy/fcdeploy/fc"
	"github.com/fcdeploy/fcdeploy/localfc"
)

// cmdConsoleService creates services in the script's embedded Function
// Compute the way the console does: with the plain API, no fcdeploy tag.
//
//	console-service [-account ID] NAME...
func cmdConsoleService(ts *testscript.TestScript, neg bool, args []string) {
	account := ""
	if len(args) >= 2 && args[0] == "-account" {
		account, args = args[1], args[2:]
	}
	if neg || len(args) == 0 {
		ts.Fatalf("usage: console-service [-account ID] NAME...")
	}
	ctx := context.Background()
	lt, err := localfc.Connect(ctx, ts.Getenv("FCDEPLOY_HOME"))
	ts.Check(err)
	defer func() { ts.Check(lt.Close()) }()
	if account == "" {
		account = lt.AccountID
	}
	c, err := fc.NewClient(fc.Config{Endpoint: lt.Endpoint, AccountID: account, Region: lt.Region, Credentials: lt.Credentials})
	ts.Check(err)
	for _, name := range args {
		desc := "made in the console"
		_, err := c.CreateService(ctx, fc.ServiceInput{ServiceName: name, Description: &desc})
		ts.Check(err)
	}
}
