// Tests for the string, math and conversion function libraries
// (functions_string.cc, functions_math.cc, functions_conversion.cc), through the
// public API: each expression is compiled and evaluated over a small Patient and
// the result compared as compact JSON.
#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "fhir/json.h"
#include "fhirpath/fhirpath.h"

namespace vigil::fhirpath {
namespace {

constexpr std::string_view kPatient = R"({
  "resourceType": "Patient",
  "id": "p1",
  "active": true,
  "birthDate": "1974-12-25",
  "name": [
    {"use": "official", "family": "Chalmers", "given": ["Peter", "James"]},
    {"use": "usual", "given": ["Jim"]}
  ],
  "multipleBirthInteger": 2
})";

const fhir::Json& Patient() {
  static const fhir::Json* patient = new fhir::Json(*fhir::ParseJson(kPatient));
  return *patient;
}

// The result of expr over the patient as compact JSON, or "error: ..." text.
std::string Eval(std::string_view expr) {
  absl::StatusOr<Expression> e = Expression::Compile(expr);
  if (!e.ok()) return "compile error: " + std::string(e.status().message());
  absl::StatusOr<Collection> r = e->Evaluate(Patient());
  if (!r.ok()) return "error: " + std::string(r.status().message());
  return fhir::WriteJson(ToJson(*r));
}

bool IsError(std::string_view expr) {
  std::string out = Eval(expr);
  return out.starts_with("error:") || out.starts_with("compile error:");
}

// --- 5.6 String manipulation ------------------------------------------------------

TEST(StringFunctions, IndexOf) {
  EXPECT_EQ(Eval("'LogicalModel-Person'.indexOf('-')"), "[12]");
  EXPECT_EQ(Eval("'LogicalModel-Person'.indexOf('z')"), "[-1]");
  EXPECT_EQ(Eval("'abc'.indexOf('')"), "[0]");
  EXPECT_EQ(Eval("'abc'.indexOf({})"), "[]");
  EXPECT_EQ(Eval("{}.indexOf('a')"), "[]");
  // Positions count code points, not bytes.
  EXPECT_EQ(Eval("'h\u00e9llo'.indexOf('l')"), "[2]");
}

TEST(StringFunctions, Substring) {
  EXPECT_EQ(Eval("'abc'.substring(1)"), R"(["bc"])");
  EXPECT_EQ(Eval("'12345'.substring(2, 1)"), R"(["3"])");
  EXPECT_EQ(Eval("'12345'.substring(2, 5)"), R"(["345"])");
  EXPECT_EQ(Eval("'12345'.substring(25)"), "[]");
  EXPECT_EQ(Eval("'12345'.substring(-1)"), "[]");
  EXPECT_EQ(Eval("'12345'.substring(1, {})"), R"(["2345"])");
  EXPECT_EQ(Eval("'12345'.substring({})"), "[]");
  EXPECT_EQ(Eval("'abc'.substring(1, -1)"), R"([""])");
  EXPECT_EQ(Eval("''.substring(0)"), "[]");
  EXPECT_EQ(Eval("'h\u00e9llo'.substring(1, 2)"), "[\"\u00e9l\"]");
  EXPECT_EQ(Eval("Patient.name.given.where(substring($this.length() - 3) = 'ter')"),
            R"(["Peter"])");
}

TEST(StringFunctions, StartsEndsContains) {
  EXPECT_EQ(Eval("'12345'.startsWith('12')"), "[true]");
  EXPECT_EQ(Eval("'12345'.startsWith('2')"), "[false]");
  EXPECT_EQ(Eval("''.startsWith('')"), "[true]");
  EXPECT_EQ(Eval("'12345'.endsWith('45')"), "[true]");
  EXPECT_EQ(Eval("'12345'.endsWith('012345')"), "[false]");
  EXPECT_EQ(Eval("'12345'.contains('34')"), "[true]");
  EXPECT_EQ(Eval("'12345'.contains('')"), "[true]");
  EXPECT_EQ(Eval("{}.contains('a')"), "[]");
  EXPECT_EQ(Eval("Patient.name.family.startsWith('Cha')"), "[true]");
}

TEST(StringFunctions, NonStringOrSeveralInputsAreErrors) {
  EXPECT_TRUE(IsError("Patient.name.startsWith('a')"));
  EXPECT_TRUE(IsError("Patient.name.given.startsWith('P')"));
  EXPECT_TRUE(IsError("1.startsWith('1')"));
  EXPECT_TRUE(IsError("'abc'.startsWith(1)"));
}

TEST(StringFunctions, UpperLower) {
  EXPECT_EQ(Eval("'abC'.upper()"), R"(["ABC"])");
  EXPECT_EQ(Eval("'AbC'.lower()"), R"(["abc"])");
  EXPECT_EQ(Eval("'\u00e9\u00e8'.upper()"), "[\"\u00c9\u00c8\"]");
  EXPECT_EQ(Eval("'\u0394'.lower()"), "[\"\u03b4\"]");
  EXPECT_EQ(Eval("Patient.name.given.first().upper()"), R"(["PETER"])");
}

TEST(StringFunctions, Replace) {
  EXPECT_EQ(Eval("'123456'.replace('234', 'X')"), R"(["1X56"])");
  EXPECT_EQ(Eval("'abcabc'.replace('b', '')"), R"(["acac"])");
  EXPECT_EQ(Eval("'abc'.replace('', 'x')"), R"(["xaxbxcx"])");
  EXPECT_EQ(Eval("'123'.replace({}, 'X')"), "[]");
  EXPECT_EQ(Eval("'123'.replace('2', {})"), "[]");
}

TEST(StringFunctions, Matches) {
  EXPECT_EQ(Eval("'FHIR'.matches('FHIR')"), "[true]");
  EXPECT_EQ(Eval("'FHIR'.matches('fhir')"), "[false]");
  EXPECT_EQ(Eval("'a/Library/b'.matches('Library')"), "[true]");
  EXPECT_EQ(Eval("'a/Library/b'.matches('^Library$')"), "[false]");
  EXPECT_EQ(Eval("'A\nB'.matches('A.*B')"), "[true]");
  EXPECT_EQ(Eval("'a/Library/b'.matchesFull('Library')"), "[false]");
  EXPECT_EQ(Eval("'a/Library/b'.matchesFull('.*Library.*')"), "[true]");
  EXPECT_EQ(Eval("'FHIR'.matches({})"), "[]");
  EXPECT_TRUE(IsError("'FHIR'.matches('(')"));
}

TEST(StringFunctions, ReplaceMatches) {
  EXPECT_EQ(Eval("'123456'.replaceMatches('234', 'X')"), R"(["1X56"])");
  EXPECT_EQ(Eval("'abc123'.replaceMatches('[0-9]', '-')"), R"(["abc---"])");
  EXPECT_EQ(Eval("'abc'.replaceMatches('', 'x')"), R"(["abc"])");
  EXPECT_EQ(Eval("'John Smith'.replaceMatches('(\\\\w+) (\\\\w+)', '$2, $1')"),
            R"(["Smith, John"])");
  EXPECT_EQ(Eval("'a.b'.replaceMatches('\\\\.', '\\\\')"), R"(["a\\b"])");
  EXPECT_EQ(Eval("'123'.replaceMatches('2', {})"), "[]");
}

TEST(StringFunctions, LengthAndToChars) {
  EXPECT_EQ(Eval("'123456'.length()"), "[6]");
  EXPECT_EQ(Eval("''.length()"), "[0]");
  EXPECT_EQ(Eval("'h\u00e9'.length()"), "[2]");
  EXPECT_EQ(Eval("{}.length()"), "[]");
  EXPECT_EQ(Eval("'t2'.toChars()"), R"(["t","2"])");
  EXPECT_EQ(Eval("''.toChars()"), "[]");
}

TEST(StringFunctions, SplitJoinTrim) {
  EXPECT_EQ(Eval("'A,,C'.split(',')"), R"(["A","","C"])");
  EXPECT_EQ(Eval("'[s]ONE[s][s]TWO[s]'.split('[s]').count()"), "[5]");
  EXPECT_EQ(Eval("'A,,C'.split(',').join(',')"), R"(["A,,C"])");
  EXPECT_EQ(Eval("Patient.name.given.join(',')"), R"(["Peter,James,Jim"])");
  EXPECT_EQ(Eval("Patient.name.given.join()"), R"(["PeterJamesJim"])");
  EXPECT_EQ(Eval("{}.join(',')"), "[]");
  EXPECT_TRUE(IsError("(1 | 2).join(',')"));
  EXPECT_EQ(Eval("' 12 3 \t'.trim()"), R"(["12 3"])");
  EXPECT_EQ(Eval("'   '.trim()"), R"([""])");
}

TEST(StringFunctions, EncodeDecode) {
  EXPECT_EQ(Eval("'test'.encode('base64')"), R"(["dGVzdA=="])");
  EXPECT_EQ(Eval("'test'.encode('hex')"), R"(["74657374"])");
  EXPECT_EQ(Eval("'subjects?_d'.encode('base64')"), R"(["c3ViamVjdHM/X2Q="])");
  EXPECT_EQ(Eval("'subjects?_d'.encode('urlbase64')"), R"(["c3ViamVjdHM_X2Q="])");
  EXPECT_EQ(Eval("'dGVzdA=='.decode('base64')"), R"(["test"])");
  EXPECT_EQ(Eval("'74657374'.decode('hex')"), R"(["test"])");
  EXPECT_EQ(Eval("'c3ViamVjdHM_X2Q='.decode('urlbase64')"), R"(["subjects?_d"])");
  EXPECT_EQ(Eval("'zz'.decode('hex')"), "[]");
  EXPECT_TRUE(IsError("'test'.encode('rot13')"));
}

TEST(StringFunctions, EscapeUnescape) {
  EXPECT_EQ(Eval(R"('"1<2"'.escape('html'))"), R"(["&quot;1&lt;2&quot;"])");
  EXPECT_EQ(Eval(R"('"1<2"'.escape('json'))"), R"(["\\\"1<2\\\""])");
  EXPECT_EQ(Eval("'&quot;1&lt;2&#x41;&#66;&bogus;'.unescape('html')"), R"(["\"1<2AB&bogus;"])");
  EXPECT_EQ(Eval(R"('\\"1<2\\"'.unescape('json'))"), R"(["\"1<2\""])");
  EXPECT_EQ(Eval(R"('\\u00e9'.unescape('json'))"), "[\"\u00e9\"]");
}

// --- 5.7 Math ---------------------------------------------------------------------------

TEST(MathFunctions, Abs) {
  EXPECT_EQ(Eval("(-5).abs()"), "[5]");
  EXPECT_EQ(Eval("(-5.5).abs()"), "[5.5]");
  EXPECT_EQ(Eval("(-5.5 'mg').abs() = 5.5 'mg'"), "[true]");
  EXPECT_EQ(Eval("{}.abs()"), "[]");
  EXPECT_TRUE(IsError("'a'.abs()"));
  EXPECT_TRUE(IsError("(1 | 2).abs()"));
}

TEST(MathFunctions, RoundingToIntegers) {
  EXPECT_EQ(Eval("1.ceiling()"), "[1]");
  EXPECT_EQ(Eval("(-1.1).ceiling()"), "[-1]");
  EXPECT_EQ(Eval("1.1.ceiling()"), "[2]");
  EXPECT_EQ(Eval("2.1.floor()"), "[2]");
  EXPECT_EQ(Eval("(-2.1).floor()"), "[-3]");
  EXPECT_EQ(Eval("(-1.56).truncate()"), "[-1]");
  EXPECT_EQ(Eval("1.00000001.truncate()"), "[1]");
}

TEST(MathFunctions, Round) {
  EXPECT_EQ(Eval("1.round() = 1"), "[true]");
  EXPECT_EQ(Eval("3.14159.round(3) = 3.142"), "[true]");
  EXPECT_EQ(Eval("2.5.round() = 3"), "[true]");
  EXPECT_EQ(Eval("(-2.5).round() = -3"), "[true]");
  EXPECT_TRUE(IsError("1.5.round(-1)"));
}

TEST(MathFunctions, Transcendental) {
  EXPECT_EQ(Eval("0.exp() = 1"), "[true]");
  EXPECT_EQ(Eval("1.ln() = 0.0"), "[true]");
  EXPECT_EQ(Eval("0.ln()"), "[]");
  EXPECT_EQ(Eval("16.log(2) = 4.0"), "[true]");
  EXPECT_EQ(Eval("100.0.log(10.0) = 2.0"), "[true]");
  EXPECT_EQ(Eval("1000.log(10) = 3"), "[true]");
  EXPECT_EQ(Eval("81.sqrt() = 9.0"), "[true]");
  EXPECT_EQ(Eval("2.sqrt() = 1.4142135623731"), "[true]");
  EXPECT_EQ(Eval("(-1).sqrt()"), "[]");
}

TEST(MathFunctions, Power) {
  EXPECT_EQ(Eval("2.power(3)"), "[8]");
  EXPECT_EQ(Eval("2.5.power(2) = 6.25"), "[true]");
  EXPECT_EQ(Eval("2.power(-1) = 0.5"), "[true]");
  EXPECT_EQ(Eval("4.power(0.5) = 2"), "[true]");
  EXPECT_EQ(Eval("(-1).power(0.5)"), "[]");
  EXPECT_EQ(Eval("2.power({})"), "[]");
  EXPECT_EQ(Eval("10.power(30)"), "[]");  // overflows Integer
  EXPECT_EQ(Eval("0.power(-1)"), "[]");
}

// --- 5.5 Conversion ---------------------------------------------------------------------

TEST(ConversionFunctions, ToBoolean) {
  EXPECT_EQ(Eval("'true'.toBoolean()"), "[true]");
  EXPECT_EQ(Eval("'Y'.toBoolean()"), "[true]");
  EXPECT_EQ(Eval("'0.0'.toBoolean()"), "[false]");
  EXPECT_EQ(Eval("'maybe'.toBoolean()"), "[]");
  EXPECT_EQ(Eval("1.toBoolean()"), "[true]");
  EXPECT_EQ(Eval("2.toBoolean()"), "[]");
  EXPECT_EQ(Eval("0.0.toBoolean()"), "[false]");
  EXPECT_EQ(Eval("'False'.convertsToBoolean()"), "[true]");
  EXPECT_EQ(Eval("2.convertsToBoolean()"), "[false]");
  EXPECT_EQ(Eval("Patient.active.toBoolean()"), "[true]");
}

TEST(ConversionFunctions, ToIntegerAndDecimal) {
  EXPECT_EQ(Eval("'-1'.toInteger()"), "[-1]");
  EXPECT_EQ(Eval("'+7'.toInteger()"), "[7]");
  EXPECT_EQ(Eval("'1.1'.toInteger()"), "[]");
  EXPECT_EQ(Eval("true.toInteger()"), "[1]");
  EXPECT_EQ(Eval("1.5.toInteger()"), "[]");
  EXPECT_EQ(Eval("'1.0'.convertsToInteger()"), "[false]");
  EXPECT_EQ(Eval("Patient.multipleBirth.toInteger()"), "[2]");
  EXPECT_EQ(Eval("'1.50'.toDecimal()"), "[1.50]");
  EXPECT_EQ(Eval("'1e3'.toDecimal()"), "[]");
  EXPECT_EQ(Eval("'1.'.convertsToDecimal()"), "[false]");
  EXPECT_EQ(Eval("1.toDecimal() = 1.0"), "[true]");
  EXPECT_EQ(Eval("true.toDecimal() = 1"), "[true]");
  EXPECT_TRUE(IsError("(1 | 2).toInteger()"));
  EXPECT_EQ(Eval("{}.toInteger()"), "[]");
}

TEST(ConversionFunctions, ToString) {
  EXPECT_EQ(Eval("1.toString()"), R"(["1"])");
  EXPECT_EQ(Eval("1.0.toString()"), R"(["1.0"])");
  EXPECT_EQ(Eval("true.toString()"), R"(["true"])");
  EXPECT_EQ(Eval("@2014-12-14.toString()"), R"(["2014-12-14"])");
  EXPECT_EQ(Eval("1 'wk'.toString()"), R"(["1 'wk'"])");
  EXPECT_EQ(Eval("4.0 'mg'.toString()"), R"(["4.0 'mg'"])");
  EXPECT_EQ(Eval("1 week.toString()"), R"(["1 week"])");
  EXPECT_EQ(Eval("Patient.birthDate.toString()"), R"(["1974-12-25"])");
  EXPECT_EQ(Eval("Patient.name.first().toString()"), "[]");
  EXPECT_EQ(Eval("Patient.name.first().convertsToString()"), "[false]");
}

TEST(ConversionFunctions, Temporal) {
  EXPECT_EQ(Eval("'2015-02-04'.toDate()"), R"(["2015-02-04"])");
  EXPECT_EQ(Eval("'2015'.convertsToDate()"), "[true]");
  EXPECT_EQ(Eval("'2015-13'.convertsToDate()"), "[false]");
  EXPECT_EQ(Eval("'2015-02-04T14:34:28Z'.convertsToDateTime()"), "[true]");
  EXPECT_EQ(Eval("'2015-02-04T14:34:28+10:00'.toDateTime() = @2015-02-04T14:34:28+10:00"),
            "[true]");
  EXPECT_EQ(Eval("@2015-02-04T14:34.toDate() = @2015-02-04"), "[true]");
  EXPECT_EQ(Eval("'14:34:28.123'.toTime() = @T14:34:28.123"), "[true]");
  EXPECT_EQ(Eval("'14'.convertsToTime()"), "[true]");
  EXPECT_EQ(Eval("'25:00'.convertsToTime()"), "[false]");
  EXPECT_EQ(Eval("1.convertsToDate()"), "[false]");
  EXPECT_EQ(Eval("'2015-02-04T14:34'.toDate()"), R"(["2015-02-04"])");
  EXPECT_EQ(Eval("@2015-02-04.toDateTime() = @2015-02-04T"), "[true]");
  EXPECT_EQ(Eval("'T14:34'.toTime() = @T14:34"), "[true]");
  EXPECT_EQ(Eval("Patient.birthDate.toDateTime().convertsToDate()"), "[true]");
}

TEST(ConversionFunctions, ToQuantity) {
  EXPECT_EQ(Eval("1.toQuantity() = 1 '1'"), "[true]");
  EXPECT_EQ(Eval("'1.0'.toQuantity() ~ 1 '1'"), "[true]");
  EXPECT_EQ(Eval("'1 day'.toQuantity() = 1 day"), "[true]");
  EXPECT_EQ(Eval("'4.0 \\'mg\\''.toQuantity() = 4.0 'mg'"), "[true]");
  EXPECT_EQ(Eval("'1 \\'wk\\''.convertsToQuantity()"), "[true]");
  EXPECT_EQ(Eval("'1 wk'.convertsToQuantity()"), "[false]");
  EXPECT_EQ(Eval("'1.a'.convertsToQuantity()"), "[false]");
  EXPECT_EQ(Eval("true.toQuantity() = 1.0 '1'"), "[true]");
  EXPECT_EQ(Eval("10 'mg'.convertsToQuantity()"), "[true]");
  EXPECT_EQ(Eval("1000 'mg'.toQuantity('g') = 1 'g'"), "[true]");
  EXPECT_EQ(Eval("1 'mg'.convertsToQuantity('m')"), "[false]");
  EXPECT_EQ(Eval("'5 days'.toQuantity() = 5 days"), "[true]");
  EXPECT_EQ(Eval("'1e3'.convertsToQuantity()"), "[false]");
  EXPECT_EQ(Eval("Patient.name.first().convertsToQuantity()"), "[false]");
}

}  // namespace
}  // namespace vigil::fhirpath
