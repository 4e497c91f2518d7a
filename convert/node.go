package convert

import (
	"strconv"

	"gopkg.in/yaml.v3"
)

// Output manifests are built as yaml.v3 nodes, so that keys keep the order
// a person expects and comments can say where a value came from.

func mapping() *yaml.Node { return &yaml.Node{Kind: yaml.MappingNode} }

func str(s string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s}
}

func integer(n int64) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.FormatInt(n, 10)}
}

func boolean(b bool) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: strconv.FormatBool(b)}
}

func seq(items ...*yaml.Node) *yaml.Node {
	return &yaml.Node{Kind: yaml.SequenceNode, Content: items}
}

// set adds or replaces key in the mapping m. A head comment of v goes
// above the key, where a reader looks for it.
func set(m *yaml.Node, key string, v *yaml.Node) {
	k := str(key)
	k.HeadComment, v.HeadComment = v.HeadComment, ""
	if i := keyIndex(m, key); i >= 0 {
		m.Content[i], m.Content[i+1] = k, v
		return
	}
	m.Content = append(m.Content, k, v)
}

// keyIndex is the index in mapping m's content of the key node of key, or
// -1 when m is not a mapping or has no such key.
func keyIndex(m *yaml.Node, key string) int {
	if m == nil || m.Kind != yaml.MappingNode {
		return -1
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return i
		}
	}
	return -1
}

// get returns the value of key in mapping m, or nil.
func get(m *yaml.Node, key string) *yaml.Node {
	if i := keyIndex(m, key); i >= 0 {
		return m.Content[i+1]
	}
	return nil
}

// keyNode returns the key node of key in mapping m (for its position), or nil.
func keyNode(m *yaml.Node, key string) *yaml.Node {
	if i := keyIndex(m, key); i >= 0 {
		return m.Content[i]
	}
	return nil
}

// pairs calls f for each key and value of mapping m in order.
func pairs(m *yaml.Node, f func(k, v *yaml.Node)) {
	if m == nil || m.Kind != yaml.MappingNode {
		return
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		f(m.Content[i], m.Content[i+1])
	}
}

// resolve follows YAML aliases and unwraps a document.
func resolve(n *yaml.Node) *yaml.Node {
	for n != nil && (n.Kind == yaml.AliasNode || n.Kind == yaml.DocumentNode) {
		if n.Kind == yaml.AliasNode {
			n = n.Alias
		} else if len(n.Content) > 0 {
			n = n.Content[0]
		} else {
			return nil
		}
	}
	return n
}

// isScalar reports whether n is a plain scalar (not null).
func isScalar(n *yaml.Node) bool {
	return n != nil && n.Kind == yaml.ScalarNode && n.Tag != "!!null"
}

// copyNode deep-copies n without positions or comments, following aliases.
func copyNode(n *yaml.Node) *yaml.Node {
	n = resolve(n)
	if n == nil {
		return nil
	}
	out := &yaml.Node{Kind: n.Kind, Tag: n.ShortTag(), Value: n.Value, Style: n.Style &^ (yaml.TaggedStyle)}
	for _, c := range n.Content {
		out.Content = append(out.Content, copyNode(c))
	}
	return out
}

// copyChildren copies a mapping or a sequence with each value converted by
// value (given its dotted place); ok is false when any of them could not
// be, and the copy then holds only those that could.
func copyChildren(n *yaml.Node, where string, value func(*yaml.Node, string) (*yaml.Node, bool)) (*yaml.Node, bool) {
	ok := true
	if n.Kind == yaml.MappingNode {
		out := mapping()
		pairs(n, func(k, v *yaml.Node) {
			cv, vok := value(v, where+"."+k.Value)
			ok = ok && vok
			if vok {
				set(out, k.Value, cv)
			}
		})
		return out, ok
	}
	out := seq()
	for _, it := range n.Content {
		cv, vok := value(it, where)
		ok = ok && vok
		if vok {
			out.Content = append(out.Content, cv)
		}
	}
	return out, ok
}
