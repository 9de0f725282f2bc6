#include "api/cancellation.hh"

#include "api/json_writer.hh"

namespace ddbd::api {

ApiError transaction_cancelled(const std::vector<CancellationReason>& reasons) {
  std::string codes;
  JsonWriter w;
  w.key("CancellationReasons");
  w.begin_array();
  for (const CancellationReason& r : reasons) {
    codes += (codes.empty() ? "" : ", ") + r.code;
    w.begin_object();
    if (r.item) {
      w.key("Item");
      w.item(*r.item);
    }
    w.key("Code");
    w.string(r.code);
    if (!r.message.empty()) {
      w.key("Message");
      w.string(r.message);
    }
    w.end_object();
  }
  w.end_array();
  return ApiError(ErrorCode::TransactionCanceledException,
                  "Transaction cancelled, please refer cancellation reasons for specific reasons [" + codes + "]")
      .with_extra_json(w.take());
}

ApiError validation_cancelled(std::size_t count, std::size_t index, std::string message) {
  std::vector<CancellationReason> reasons(count);
  reasons[index].code = "ValidationError";
  reasons[index].message = std::move(message);
  return transaction_cancelled(reasons);
}

}  // namespace ddbd::api
