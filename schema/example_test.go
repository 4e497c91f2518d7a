package schema_test

import (
	"fmt"

	"github.com/fcdeploy/fcdeploy/manifest"
	"github.com/fcdeploy/fcdeploy/schema"
)

func ExampleValidate() {
	data := []byte(`project: shop
services:
  shop:
    functions:
      checkout:
        runtime: python3
        handler: index.handler
        code: oss://artifacts/checkout.zip
        memroySize: 256
        timeout: 900
`)
	for _, d := range schema.Validate("fcdeploy.yaml", data, manifest.LoadOptions{}) {
		fmt.Println(d)
	}
	// Output:
	// fcdeploy.yaml:9:9: services.shop.functions.checkout.memroySize: unknown field "memroySize"; did you mean "memorySize"?
	// fcdeploy.yaml:10:18: services.shop.functions.checkout.timeout: must be between 1 and 300 seconds, not 900
}
