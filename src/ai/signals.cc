#include "ai/signals.h"

namespace vigil::ai {
namespace {

using enum Signal;
using enum SignalKind;

constexpr std::array<SignalInfo, kSignalCount> kSignals = {{
    {kHeartRate, kVital, "heart_rate", "HR", "8867-4", "Heart rate", "/min", 10, 300},
    {kRespiratoryRate, kVital, "respiratory_rate", "Resp", "9279-1", "Respiratory rate", "/min", 2, 80},
    {kSpO2, kVital, "spo2", "O2Sat", "59408-5",
     "Oxygen saturation in Arterial blood by Pulse oximetry", "%", 40, 100},
    {kTemperature, kVital, "temperature", "Temp", "8310-5", "Body temperature", "Cel", 25, 45},
    {kSystolicBp, kVital, "systolic_bp", "SBP", "8480-6", "Systolic blood pressure", "mm[Hg]", 30, 300},
    {kDiastolicBp, kVital, "diastolic_bp", "DBP", "8462-4", "Diastolic blood pressure", "mm[Hg]", 10, 200},
    {kMeanArterialPressure, kVital, "map", "MAP", "8478-0", "Mean blood pressure", "mm[Hg]", 15, 250},
    {kGcs, kVital, "gcs", "", "9269-2", "Glasgow coma score total", "{score}", 3, 15},
    {kO2Flow, kVital, "o2_flow", "", "3151-8", "Inhaled oxygen flow rate", "L/min", 0, 80},
    {kFiO2, kVital, "fio2", "FiO2", "3150-0", "Inhaled oxygen concentration", "%", 21, 100},
    {kLactate, kLab, "lactate", "Lactate", "2524-7", "Lactate [Moles/volume] in Serum or Plasma",
     "mmol/L", 0.1, 30},
    {kWbc, kLab, "wbc", "WBC", "6690-2", "Leukocytes [#/volume] in Blood by Automated count",
     "10*3/uL", 0.1, 200},
    {kCreatinine, kLab, "creatinine", "Creatinine", "2160-0",
     "Creatinine [Mass/volume] in Serum or Plasma", "mg/dL", 0.1, 25},
    {kBilirubinTotal, kLab, "bilirubin_total", "Bilirubin_total", "1975-2",
     "Bilirubin.total [Mass/volume] in Serum or Plasma", "mg/dL", 0.05, 50},
    {kPlatelets, kLab, "platelets", "Platelets", "777-3",
     "Platelets [#/volume] in Blood by Automated count", "10*3/uL", 1, 2000},
    {kBun, kLab, "bun", "BUN", "3094-0", "Urea nitrogen [Mass/volume] in Serum or Plasma", "mg/dL",
     1, 250},
    {kGlucose, kLab, "glucose", "Glucose", "2345-7", "Glucose [Mass/volume] in Serum or Plasma",
     "mg/dL", 10, 1500},
    {kPotassium, kLab, "potassium", "Potassium", "2823-3",
     "Potassium [Moles/volume] in Serum or Plasma", "mmol/L", 1, 10},
    {kBicarbonate, kLab, "hco3", "HCO3", "1960-4", "Bicarbonate [Moles/volume] in Arterial blood",
     "mmol/L", 2, 60},
    {kHemoglobin, kLab, "hemoglobin", "Hgb", "718-7", "Hemoglobin [Mass/volume] in Blood", "g/dL", 2,
     25},
    {kPh, kLab, "ph", "pH", "2744-1", "pH of Arterial blood", "[pH]", 6.5, 8},
    {kPaCO2, kLab, "paco2", "PaCO2", "2019-8", "Carbon dioxide [Partial pressure] in Arterial blood",
     "mm[Hg]", 5, 150},
    {kChloride, kLab, "chloride", "Chloride", "2075-0", "Chloride [Moles/volume] in Serum or Plasma",
     "mmol/L", 50, 160},
    {kAst, kLab, "ast", "AST", "1920-8",
     "Aspartate aminotransferase [Enzymatic activity/volume] in Serum or Plasma", "U/L", 1, 20000},
    {kEtCO2, kVital, "etco2", "EtCO2", "19891-1",
     "Carbon dioxide [Partial pressure] in Exhaled gas --at end expiration", "mm[Hg]", 5, 100},
    {kBaseExcess, kLab, "base_excess", "BaseExcess", "1925-7",
     "Base excess in Arterial blood by calculation", "mmol/L", -40, 40},
    {kSaO2, kLab, "sao2", "SaO2", "2708-6", "Oxygen saturation in Arterial blood", "%", 20, 100},
    {kAlkalinePhosphatase, kLab, "alkaline_phosphatase", "Alkalinephos", "6768-6",
     "Alkaline phosphatase [Enzymatic activity/volume] in Serum or Plasma", "U/L", 5, 5000},
    {kCalcium, kLab, "calcium", "Calcium", "17861-6", "Calcium [Mass/volume] in Serum or Plasma",
     "mg/dL", 2, 20},
    {kBilirubinDirect, kLab, "bilirubin_direct", "Bilirubin_direct", "1968-7",
     "Bilirubin.direct [Mass/volume] in Serum or Plasma", "mg/dL", 0, 40},
    {kMagnesium, kLab, "magnesium", "Magnesium", "19123-9",
     "Magnesium [Mass/volume] in Serum or Plasma", "mg/dL", 0.2, 10},
    {kPhosphate, kLab, "phosphate", "Phosphate", "2777-1",
     "Phosphate [Mass/volume] in Serum or Plasma", "mg/dL", 0.2, 20},
    {kTroponinI, kLab, "troponin_i", "TroponinI", "10839-9",
     "Troponin I.cardiac [Mass/volume] in Serum or Plasma", "ng/mL", 0, 500},
    {kHematocrit, kLab, "hematocrit", "Hct", "4544-3",
     "Hematocrit [Volume Fraction] of Blood by Automated count", "%", 5, 75},
    {kPtt, kLab, "ptt", "PTT", "3173-2", "aPTT in Blood by Coagulation assay", "s", 10, 250},
    {kFibrinogen, kLab, "fibrinogen", "Fibrinogen", "3255-7",
     "Fibrinogen [Mass/volume] in Platelet poor plasma by Coagulation assay", "mg/dL", 20, 2000},
}};

constexpr bool TableInOrder() {
  for (int i = 0; i < kSignalCount; ++i) {
    if (static_cast<int>(kSignals[i].signal) != i) return false;
  }
  return true;
}
static_assert(TableInOrder(), "kSignals must be in Signal order");

}  // namespace

std::span<const SignalInfo> AllSignals() { return kSignals; }

const SignalInfo& Info(Signal s) { return kSignals[static_cast<int>(s)]; }

std::optional<Signal> SignalByLoinc(std::string_view loinc) {
  for (const SignalInfo& info : kSignals) {
    if (info.loinc == loinc) return info.signal;
  }
  return std::nullopt;
}

std::optional<Signal> SignalByName(std::string_view name) {
  for (const SignalInfo& info : kSignals) {
    if (info.name == name) return info.signal;
  }
  return std::nullopt;
}

}  // namespace vigil::ai
