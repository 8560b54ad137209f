// The UCUM atoms, prefixes and special units the converter knows, with their
// definitions from UCUM's essence table (https://ucum.org/ucum). Each atom is a
// factor times an expression in other atoms; the seven base units (and [iU]) have
// a dimension instead.
#include "fhirpath/ucum.h"

namespace vigil::fhirpath::internal {
namespace {

constexpr UcumAtomDef kAtoms[] = {
    // Base units.
    {"m", true, "1", "", 0},
    {"g", true, "1", "", 1},
    {"s", true, "1", "", 2},
    {"rad", true, "1", "", 3},
    {"K", true, "1", "", 4},
    {"C", true, "1", "", 5},
    {"cd", true, "1", "", 6},
    {"[iU]", true, "1", "", kIuDimension},
    // Dimensionless.
    {"10*", false, "10", "1", -1},
    {"10^", false, "10", "1", -1},
    {"[pi]", false, "3.1415926535897932384626433832795028841971693993751058209749445923", "1", -1},
    {"%", false, "0.01", "1", -1},
    {"[ppth]", false, "0.001", "1", -1},
    {"[ppm]", false, "0.000001", "1", -1},
    {"[ppb]", false, "0.000000001", "1", -1},
    {"[pptr]", false, "0.000000000001", "1", -1},
    {"mol", true, "6.0221367e23", "1", -1},
    {"sr", true, "1", "rad2", -1},
    {"deg", false, "2", "[pi].rad/360", -1},
    {"gon", false, "0.9", "deg", -1},
    {"[HPF]", false, "1", "1", -1},
    {"[LPF]", false, "100", "1", -1},
    // SI derived units.
    {"Hz", true, "1", "s-1", -1},
    {"N", true, "1", "kg.m/s2", -1},
    {"Pa", true, "1", "N/m2", -1},
    {"J", true, "1", "N.m", -1},
    {"W", true, "1", "J/s", -1},
    {"A", true, "1", "C/s", -1},
    {"V", true, "1", "J/C", -1},
    {"F", true, "1", "C/V", -1},
    {"Ohm", true, "1", "V/A", -1},
    {"S", true, "1", "Ohm-1", -1},
    {"mho", true, "1", "S", -1},
    {"Wb", true, "1", "V.s", -1},
    {"T", true, "1", "Wb/m2", -1},
    {"H", true, "1", "Wb/A", -1},
    {"lm", true, "1", "cd.sr", -1},
    {"lx", true, "1", "lm/m2", -1},
    {"Bq", true, "1", "s-1", -1},
    {"Gy", true, "1", "J/kg", -1},
    {"Sv", true, "1", "J/kg", -1},
    {"Ci", true, "37000000000", "Bq", -1},
    // Time.
    {"min", false, "60", "s", -1},
    {"h", false, "60", "min", -1},
    {"d", false, "24", "h", -1},
    {"wk", false, "7", "d", -1},
    {"a_t", false, "365.24219", "d", -1},
    {"a_j", false, "365.25", "d", -1},
    {"a_g", false, "365.2425", "d", -1},
    {"a", false, "1", "a_j", -1},
    {"mo_s", false, "29.53059", "d", -1},
    {"mo_j", false, "1", "a_j/12", -1},
    {"mo_g", false, "1", "a_g/12", -1},
    {"mo", false, "1", "mo_j", -1},
    // Volume, area, mass, pressure, energy (metric and customary).
    {"l", true, "1", "dm3", -1},
    {"L", true, "1", "l", -1},
    {"ar", true, "100", "m2", -1},
    {"t", true, "1000", "kg", -1},
    {"u", true, "1.6605402e-24", "g", -1},
    {"bar", true, "100000", "Pa", -1},
    {"atm", false, "101325", "Pa", -1},
    {"m[Hg]", true, "133.322", "kPa", -1},
    {"m[H2O]", true, "9.80665", "kPa", -1},
    {"[g]", false, "9.80665", "m/s2", -1},
    {"dyn", true, "1", "g.cm/s2", -1},
    {"erg", true, "1", "dyn.cm", -1},
    {"eV", true, "1.60217733e-19", "J", -1},
    {"cal", true, "4.184", "J", -1},
    {"[Cal]", false, "1", "kcal", -1},
    {"Ao", false, "0.1", "nm", -1},
    // Chemistry and clinical units.
    {"eq", true, "1", "mol", -1},
    {"osm", true, "1", "mol", -1},
    {"kat", true, "1", "mol/s", -1},
    {"U", true, "1", "umol/min", -1},
    {"[IU]", true, "1", "[iU]", -1},
    {"IU", true, "1", "[iU]", -1},  // not UCUM, but common in clinical data
    {"g%", true, "1", "g/dl", -1},
    {"[drp]", false, "1", "ml/20", -1},
    // International customary length, mass and US volume.
    {"[in_i]", false, "2.54", "cm", -1},
    {"[ft_i]", false, "12", "[in_i]", -1},
    {"[yd_i]", false, "3", "[ft_i]", -1},
    {"[mi_i]", false, "5280", "[ft_i]", -1},
    {"[mil_i]", false, "0.001", "[in_i]", -1},
    {"[nmi_i]", false, "1852", "m", -1},
    {"[gr]", false, "64.79891", "mg", -1},
    {"[lb_av]", false, "7000", "[gr]", -1},
    {"[oz_av]", false, "1", "[lb_av]/16", -1},
    {"[dr_av]", false, "1", "[oz_av]/16", -1},
    {"[stone_av]", false, "14", "[lb_av]", -1},
    {"[lbf_av]", false, "1", "[lb_av].[g]", -1},
    {"[psi]", false, "1", "[lbf_av]/[in_i]2", -1},
    {"[gal_us]", false, "231", "[in_i]3", -1},
    {"[qt_us]", false, "1", "[gal_us]/4", -1},
    {"[pt_us]", false, "1", "[qt_us]/2", -1},
    {"[gil_us]", false, "1", "[pt_us]/4", -1},
    {"[foz_us]", false, "1", "[gil_us]/4", -1},
    {"[tbs_us]", false, "1", "[foz_us]/2", -1},
    {"[tsp_us]", false, "1", "[tbs_us]/3", -1},
    {"[cup_us]", false, "16", "[tbs_us]", -1},
    {"[degR]", false, "5", "K/9", -1},
};

constexpr UcumPrefixDef kPrefixes[] = {
    {"da", "10"},   {"Y", "1e24"},  {"Z", "1e21"},  {"E", "1e18"},  {"P", "1e15"},
    {"T", "1e12"},  {"G", "1e9"},   {"M", "1e6"},   {"k", "1e3"},   {"h", "1e2"},
    {"d", "0.1"},   {"c", "0.01"},  {"m", "0.001"}, {"u", "1e-6"},  {"n", "1e-9"},
    {"p", "1e-12"}, {"f", "1e-15"}, {"a", "1e-18"}, {"z", "1e-21"}, {"y", "1e-24"},
};

constexpr UcumSpecial kSpecials[] = {
    {"Cel", "273.15", "1", "1"},
    {"[degF]", "459.67", "5", "9"},
};

}  // namespace

std::span<const UcumAtomDef> UcumAtomTable() { return kAtoms; }
std::span<const UcumPrefixDef> UcumPrefixTable() { return kPrefixes; }
std::span<const UcumSpecial> UcumSpecialTable() { return kSpecials; }

}  // namespace vigil::fhirpath::internal
