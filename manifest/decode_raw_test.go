package manifest

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

// No API field of today's inputs is free-form JSON decoded by the generic
// walker (a trigger's config has its own key), but the walker must handle
// one when package fc adds it: raw JSON and interface fields.
type freeForm struct {
	Raw json.RawMessage `json:"raw"`
	Any any             `json:"any"`
}

func decodeNode(t *testing.T, src, field string) (reflect.Value, []Diagnostic) {
	t.Helper()
	var doc yaml.Node
	require.NoError(t, yaml.Unmarshal([]byte(src), &doc))
	l := &loader{file: "m.yaml", fromEnv: map[*yaml.Node]bool{}, origin: map[*yaml.Node]string{}}
	var dst freeForm
	rv := reflect.ValueOf(&dst).Elem().FieldByName(field)
	l.decodeValue(doc.Content[0], "x."+field, rv, "function", []string{field})
	return rv, l.diags
}

func TestFreeFormFieldsTakeAnyYAMLValueAsJSON(t *testing.T) {
	raw, diags := decodeNode(t, "{b: [1, two], a: true}", "Raw")
	require.Empty(t, diags)
	assert.JSONEq(t, `{"a": true, "b": [1, "two"]}`, string(raw.Interface().(json.RawMessage)))

	v, diags := decodeNode(t, "two", "Any")
	require.Empty(t, diags)
	assert.Equal(t, "two", v.Interface())

	v, diags = decodeNode(t, "null", "Any")
	require.Empty(t, diags)
	assert.Nil(t, v.Interface(), "null leaves the field unset")
}

func TestAFreeFormValueThatIsNotJSONIsAPositionedProblem(t *testing.T) {
	for _, field := range []string{"Raw", "Any"} {
		_, diags := decodeNode(t, "{n: !!int 18446744073709551616}", field)
		require.Len(t, diags, 1, field)
		assert.Contains(t, diags[0].Message, "too large")
		assert.Equal(t, "x."+field, diags[0].Path)
		assert.Equal(t, 1, diags[0].Line)
	}
}
