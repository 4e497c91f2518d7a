// Command gen writes the deploy benchmark project: S services of F python3
// functions with one timer trigger each, as fcdeploy.yaml and as the same
// project in Funcraft's template.yml, sharing one tree of code directories.
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"
)

func main() {
	out := flag.String("out", "", "directory to write the project into")
	services := flag.Int("services", 20, "services")
	functions := flag.Int("functions", 50, "functions per service")
	split := flag.Bool("split", false, "write each service of fcdeploy.yaml to services/NAME.yaml, included with `include: [services/*.yaml]`")
	flag.Parse()
	if *out == "" {
		log.Fatal("gen: -out is required")
	}
	var fcd, fun strings.Builder
	var svcs []strings.Builder
	fcd.WriteString("project: bench\nservices:\n")
	fun.WriteString("ROSTemplateFormatVersion: '2015-09-01'\nTransform: 'Aliyun::Serverless-2018-04-03'\nResources:\n")
	for s := 0; s < *services; s++ {
		svc := fmt.Sprintf("bench-svc-%02d", s)
		if *split {
			svcs = append(svcs, strings.Builder{})
		}
		fcd := &fcd
		if *split {
			fcd = &svcs[len(svcs)-1]
			fcd.WriteString("services:\n")
		}
		fmt.Fprintf(fcd, "  %s:\n    description: deploy benchmark\n    functions:\n", svc)
		fmt.Fprintf(&fun, "  %s:\n    Type: 'Aliyun::Serverless::Service'\n    Properties:\n      Description: deploy benchmark\n", svc)
		for f := 0; f < *functions; f++ {
			fn := fmt.Sprintf("fn-%02d", f)
			dir := filepath.Join("code", svc, fn)
			if err := os.MkdirAll(filepath.Join(*out, dir), 0o755); err != nil {
				log.Fatal(err)
			}
			src := fmt.Sprintf("def handler(event, context):\n    return %q\n", svc+"/"+fn)
			if err := os.WriteFile(filepath.Join(*out, dir, "index.py"), []byte(src), 0o644); err != nil {
				log.Fatal(err)
			}
			code := "./" + filepath.ToSlash(dir)
			if *split {
				code = "../" + filepath.ToSlash(dir) // relative to services/
			}
			fmt.Fprintf(fcd, "      %s:\n        runtime: python3\n        handler: index.handler\n        code: %s\n        timeout: 10\n        triggers:\n          tick: {type: timer, config: {cronExpression: \"0 0 2 * * *\", enable: true, payload: tick}}\n", fn, code)
			fmt.Fprintf(&fun, "    %s:\n      Type: 'Aliyun::Serverless::Function'\n      Properties:\n        Handler: index.handler\n        Runtime: python3\n        CodeUri: './%s'\n        Timeout: 10\n      Events:\n        tick:\n          Type: Timer\n          Properties:\n            CronExpression: '0 0 2 * * *'\n            Enable: true\n            Payload: 'tick'\n", fn, filepath.ToSlash(dir))
		}
	}
	if *split {
		fcd.Reset()
		fcd.WriteString("project: bench\ninclude: [services/*.yaml]\n")
		if err := os.MkdirAll(filepath.Join(*out, "services"), 0o755); err != nil {
			log.Fatal(err)
		}
		for i := range svcs {
			name := filepath.Join(*out, "services", fmt.Sprintf("bench-svc-%02d.yaml", i))
			if err := os.WriteFile(name, []byte(svcs[i].String()), 0o644); err != nil {
				log.Fatal(err)
			}
		}
	}
	if err := os.WriteFile(filepath.Join(*out, "fcdeploy.yaml"), []byte(fcd.String()), 0o644); err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(*out, "template.yml"), []byte(fun.String()), 0o644); err != nil {
		log.Fatal(err)
	}
}
