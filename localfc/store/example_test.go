package store_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/fcdeploy/fcdeploy/fc"
	"github.com/fcdeploy/fcdeploy/localfc/store"
)

func ExampleOpen() {
	dir, _ := os.MkdirTemp("", "fcdeploy-store")
	defer os.RemoveAll(dir)
	s, err := store.Open(filepath.Join(dir, "fc.db"))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer s.Close()
	ctx := context.Background()

	desc := "Shop backend"
	svc, _ := s.CreateService(ctx, "123456", fc.ServiceInput{ServiceName: "shop", Description: &desc})
	_, err = s.UpdateService(ctx, "123456", "shop", fc.ServiceInput{}, "stale-etag")
	fmt.Println(svc.ServiceName, svc.Description)
	fmt.Println(fc.IsPreconditionFailed(err))
	// Output:
	// shop Shop backend
	// true
}
