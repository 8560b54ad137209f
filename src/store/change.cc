#include "store/change.h"

namespace vigil::store {
namespace {

const ReferenceRow* FirstPatientRow(const IndexEntries& index, std::string_view param) {
  for (const ReferenceRow& row : index.references) {
    if (row.param == param && row.target_type == "Patient" && !row.target_id.empty()) {
      return &row;
    }
  }
  return nullptr;
}

}  // namespace

std::string PatientOf(std::string_view type, std::string_view id, const IndexEntries& index) {
  if (type == "Patient") return std::string(id);
  const ReferenceRow* row = FirstPatientRow(index, "patient");
  if (row == nullptr) row = FirstPatientRow(index, "subject");
  return row == nullptr ? std::string() : row->target_id;
}

}  // namespace vigil::store
