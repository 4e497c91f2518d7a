package manifest_test

import (
	"fmt"

	"github.com/fcdeploy/fcdeploy/manifest"
)

func ExampleLoadBytes() {
	data := []byte(`project: shop
vars: {memory: 256}
environments:
  small: {vars: {memory: 128}}
services:
  shop:
    functions:
      checkout:
        runtime: python3
        handler: index.handler
        code: oss://artifacts/checkout.zip
        memorySize: ${vars.memory}
        environmentVariables:
          DB_PASSWORD: ${env.DB_PASSWORD:-dev}
`)
	p, err := manifest.LoadBytes("fcdeploy.yaml", data, manifest.LoadOptions{Env: "small"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fn := p.Services[0].Functions[0]
	fmt.Println(fn.Name, *fn.Spec.MemorySize, *fn.Spec.Timeout, fn.Code.Kind, fn.Code.Bucket, fn.Sensitive["DB_PASSWORD"])
	// Output: checkout 128 3 oss artifacts true
}
