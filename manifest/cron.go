package manifest

import "github.com/fcdeploy/fcdeploy/fc"

// CheckCron validates a timer trigger's cronExpression with the grammar
// Function Compute (and the local server's scheduler) use: fc.ParseCron.
func CheckCron(expr string) error {
	_, err := fc.ParseCron(expr)
	return err
}
