package schema

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

//go:embed manifest.schema.json
var manifestSchema []byte

// SchemaURL is the $id of the manifest schema.
const SchemaURL = "https://fcdeploy.dev/schema/manifest.schema.json"

// ManifestSchema returns the JSON Schema of fcdeploy.yaml.
func ManifestSchema() []byte { return bytes.Clone(manifestSchema) }

// compiled is the schema compiled once; the embedded file is part of the
// binary, so failing to compile it is a programming error caught by tests.
var compiled = sync.OnceValues(func() (*jsonschema.Schema, error) {
	c := jsonschema.NewCompiler()
	c.Draft = jsonschema.Draft7
	if err := c.AddResource(SchemaURL, bytes.NewReader(manifestSchema)); err != nil {
		return nil, fmt.Errorf("manifest schema: %w", err)
	}
	s, err := c.Compile(SchemaURL)
	if err != nil {
		return nil, fmt.Errorf("manifest schema: %w", err)
	}
	return s, nil
})

// rawSchema is the schema as JSON values, to look up the x-rule texts,
// property names and enums that messages quote.
var rawSchema = sync.OnceValue(func() any {
	var v any
	if err := json.Unmarshal(manifestSchema, &v); err != nil {
		panic(fmt.Sprintf("manifest schema: %v", err)) // embedded file; tests cover it
	}
	return v
})
