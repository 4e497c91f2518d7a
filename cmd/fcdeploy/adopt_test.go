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
//	console-service NAME...
func cmdConsoleService(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) == 0 {
		ts.Fatalf("usage: console-service NAME...")
	}
	ctx := context.Background()
	lt, err := localfc.Connect(ctx, ts.Getenv("FCDEPLOY_HOME"))
	ts.Check(err)
	defer func() { ts.Check(lt.Close()) }()
	c, err := fc.NewClient(fc.Config{Endpoint: lt.Endpoint, AccountID: lt.AccountID, Region: lt.Region, Credentials: lt.Credentials})
	ts.Check(err)
	for _, name := range args {
		desc := "made in the console"
		_, err := c.CreateService(ctx, fc.ServiceInput{ServiceName: name, Description: &desc})
		ts.Check(err)
	}
}
