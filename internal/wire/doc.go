// Package wire is DSP/1, the Digital Space (数字空间) open-interface profile
// this project models: paths, header names, strings to sign, JSON shapes and
// the error-code table. No other package names a header or a path; replacing
// DSP/1 by the platform's official profile is a change to this package and
// its test vectors only.
package wire
