// Package action holds the GitHub Action of this repository (action.yml at
// the root) and its shell logic, plan-comment.sh. The Go code here only
// tests that script, against a stand-in gh that keeps pull-request
// comments in a file and a stand-in fcdeploy with canned plans, so the
// action's behaviour is checked by `go test ./...` without GitHub.
package action
