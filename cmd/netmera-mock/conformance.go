package main

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/netmera-mock/netmera-mock/mockserver"
)

// checkReportFile fails at start, not at exit after a whole test run,
// when -report-on-exit names a file in a folder that does not exist.
func checkReportFile(path string) error {
	if path == "" {
		return nil
	}
	if fi, err := os.Stat(filepath.Dir(path)); err != nil || !fi.IsDir() {
		return fmt.Errorf("-report-on-exit %s: its folder does not exist", path)
	}
	return nil
}

// writeConformance writes every tenant's conformance report to path, JUnit XML
// when it ends in .xml and JSON otherwise, through a temporary file
// renamed into place, so that a CI never collects half a report.
func writeConformance(path string, srv *mockserver.Server, log *slog.Logger) error {
	if path == "" {
		return nil
	}
	format := mockserver.ReportJSON
	if strings.EqualFold(filepath.Ext(path), ".xml") {
		format = mockserver.ReportJUnit
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("-report-on-exit: %w", err)
	}
	tenants, findings, err := srv.WriteConformance(f, format)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		_ = os.Remove(f.Name())
		return fmt.Errorf("-report-on-exit: %w", err)
	}
	log.Info("conformance report written", "path", path, "format", format, "tenants", tenants, "findings", findings)
	return nil
}
