// Package importer reads a live Function Compute account and writes the
// fcdeploy project that describes it: fcdeploy.yaml and each function's code
// unpacked under functions/SERVICE/FUNCTION. Secret-looking environment
// variables are not written: they become ${env.NAME} references. A plan of
// the written project against the same account finds nothing to change.
package importer
