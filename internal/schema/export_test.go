package schema

// CheckEnumsIn is CheckEnums for the package in dir, for the fixtures under
// testdata.
var CheckEnumsIn = checkEnums
