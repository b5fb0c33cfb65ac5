// Windows Firewall rules through INetFwPolicy2 (COM, hnetcfg/FirewallAPI). Every interface
// pointer is held by a ComPtr-like owner, every BSTR by a Bstr, so no path leaks one.

#include <windows.h>
// netfw.h uses the types of windows.h without including it.
#include <netfw.h>
#include <oleauto.h>

#include "engine/os/win32/wide.h"
#include "resources/system_backends.h"

namespace plumb {
namespace {

using win32::Narrow;
using win32::Wide;

template <class T>
class Com {
 public:
  Com() = default;
  ~Com() { Reset(); }
  Com(const Com&) = delete;
  Com& operator=(const Com&) = delete;
  T** Out() {
    Reset();
    return &p_;
  }
  T* operator->() const { return p_; }
  T* get() const { return p_; }
  explicit operator bool() const { return p_ != nullptr; }
  void Reset() {
    if (p_) p_->Release();
    p_ = nullptr;
  }

 private:
  T* p_ = nullptr;
};

class Bstr {
 public:
  Bstr() = default;
  explicit Bstr(const std::string& s) : b_(::SysAllocString(Wide(s).c_str())) {}
  ~Bstr() { ::SysFreeString(b_); }
  Bstr(const Bstr&) = delete;
  Bstr& operator=(const Bstr&) = delete;
  BSTR* Out() {
    ::SysFreeString(b_);
    b_ = nullptr;
    return &b_;
  }
  BSTR get() const { return b_; }
  std::string Text() const { return b_ ? Narrow(std::wstring_view(b_, ::SysStringLen(b_))) : ""; }

 private:
  BSTR b_ = nullptr;
};

Error ComError(const std::string& what, HRESULT hr) {
  DWORD code = HRESULT_FACILITY(hr) == FACILITY_WIN32 ? HRESULT_CODE(hr) : static_cast<DWORD>(hr);
  return Error{hr == E_NOTIMPL ? ErrorKind::kUnsupported : win32::KindOf(code), "cannot " + what + ": " + win32::HresultText(hr)};
}

#define PLUMB_COM(call, what) \
  if (HRESULT hr_ = (call); FAILED(hr_)) return ComError(what, hr_)

Result<FirewallRule> ReadRule(INetFwRule* rule) {
  FirewallRule r;
  Bstr name, ports, addresses;
  NET_FW_RULE_DIRECTION direction;
  NET_FW_ACTION action;
  LONG protocol = 0, profiles = 0;
  VARIANT_BOOL enabled = VARIANT_FALSE;
  PLUMB_COM(rule->get_Name(name.Out()), "read a rule's name");
  PLUMB_COM(rule->get_Direction(&direction), "read a rule's direction");
  PLUMB_COM(rule->get_Action(&action), "read a rule's action");
  PLUMB_COM(rule->get_Protocol(&protocol), "read a rule's protocol");
  if (protocol == NET_FW_IP_PROTOCOL_TCP || protocol == NET_FW_IP_PROTOCOL_UDP)
    PLUMB_COM(rule->get_LocalPorts(ports.Out()), "read a rule's ports");
  PLUMB_COM(rule->get_RemoteAddresses(addresses.Out()), "read a rule's addresses");
  PLUMB_COM(rule->get_Profiles(&profiles), "read a rule's profiles");
  PLUMB_COM(rule->get_Enabled(&enabled), "read whether a rule is enabled");
  r.name = name.Text();
  r.inbound = direction == NET_FW_RULE_DIR_IN;
  r.allow = action == NET_FW_ACTION_ALLOW;
  r.protocol = protocol;
  r.local_ports = ports.Text();
  r.remote_addresses = addresses.Text();
  r.profiles = profiles;
  r.enabled = enabled != VARIANT_FALSE;
  return r;
}

// The protocol first: Windows refuses ports on a rule whose protocol is not TCP or UDP.
Status WriteRule(INetFwRule* rule, const FirewallRule& r) {
  PLUMB_COM(rule->put_Direction(r.inbound ? NET_FW_RULE_DIR_IN : NET_FW_RULE_DIR_OUT), "set the direction");
  PLUMB_COM(rule->put_Action(r.allow ? NET_FW_ACTION_ALLOW : NET_FW_ACTION_BLOCK), "set the action");
  PLUMB_COM(rule->put_Protocol(r.protocol), "set the protocol");
  if (r.protocol == NET_FW_IP_PROTOCOL_TCP || r.protocol == NET_FW_IP_PROTOCOL_UDP) {
    Bstr ports(r.local_ports.empty() ? "*" : r.local_ports);
    PLUMB_COM(rule->put_LocalPorts(ports.get()), "set the local ports");
  }
  Bstr addresses(r.remote_addresses.empty() ? "*" : r.remote_addresses);
  PLUMB_COM(rule->put_RemoteAddresses(addresses.get()), "set the remote addresses");
  PLUMB_COM(rule->put_Profiles(r.profiles), "set the profiles");
  PLUMB_COM(rule->put_Enabled(r.enabled ? VARIANT_TRUE : VARIANT_FALSE), "enable or disable the rule");
  return OkStatus();
}

class ComFirewall : public Firewall {
 public:
  ComFirewall() {
    HRESULT hr = ::CoInitializeEx(nullptr, COINIT_APARTMENTTHREADED);
    initialized_ = SUCCEEDED(hr);  // RPC_E_CHANGED_MODE: the thread already has COM, which is enough
  }
  ~ComFirewall() override {
    policy_.Reset();
    if (initialized_) ::CoUninitialize();
  }
  ComFirewall(const ComFirewall&) = delete;
  ComFirewall& operator=(const ComFirewall&) = delete;

  Result<std::vector<FirewallRule>> Rules() override {
    Com<INetFwRules> rules;
    if (auto st = Open(rules); !st) return st.error();
    Com<IUnknown> unknown;
    PLUMB_COM(rules->get__NewEnum(unknown.Out()), "enumerate the rules");
    Com<IEnumVARIANT> each;
    PLUMB_COM(unknown->QueryInterface(__uuidof(IEnumVARIANT), reinterpret_cast<void**>(each.Out())), "enumerate the rules");
    std::vector<FirewallRule> out;
    for (;;) {
      VARIANT item;
      ::VariantInit(&item);
      ULONG fetched = 0;
      HRESULT hr = each->Next(1, &item, &fetched);
      if (FAILED(hr)) return ComError("enumerate the rules", hr);
      if (hr == S_FALSE || fetched == 0) break;
      Com<INetFwRule> rule;
      HRESULT q = item.vt == VT_DISPATCH && item.pdispVal
                      ? item.pdispVal->QueryInterface(__uuidof(INetFwRule), reinterpret_cast<void**>(rule.Out()))
                      : E_NOINTERFACE;
      ::VariantClear(&item);
      if (FAILED(q)) return ComError("read a rule", q);
      auto r = ReadRule(rule.get());
      if (!r) return r.error();
      out.push_back(std::move(*r));
    }
    return out;
  }

  Status Put(const FirewallRule& r) override {
    Com<INetFwRules> rules;
    if (auto st = Open(rules); !st) return st;
    Bstr name(r.name);
    Com<INetFwRule> existing;
    if (SUCCEEDED(rules->Item(name.get(), existing.Out())) && existing) {
      // A protocol change would leave ports the new protocol refuses: replace the rule then.
      LONG protocol = 0;
      PLUMB_COM(existing->get_Protocol(&protocol), "read the rule's protocol");
      if (protocol == r.protocol) return WriteRule(existing.get(), r);
      PLUMB_COM(rules->Remove(name.get()), "remove the rule to change its protocol");
    }
    Com<INetFwRule> rule;
    PLUMB_COM(::CoCreateInstance(__uuidof(NetFwRule), nullptr, CLSCTX_INPROC_SERVER, __uuidof(INetFwRule),
                                 reinterpret_cast<void**>(rule.Out())),
              "create a rule");
    PLUMB_COM(rule->put_Name(name.get()), "name the rule");
    if (auto st = WriteRule(rule.get(), r); !st) return st;
    PLUMB_COM(rules->Add(rule.get()), "add the rule");
    return OkStatus();
  }

  Status Remove(const std::string& name) override {
    Com<INetFwRules> rules;
    if (auto st = Open(rules); !st) return st;
    Bstr n(name);
    PLUMB_COM(rules->Remove(n.get()), "remove the rule");
    return OkStatus();
  }

 private:
  Status Open(Com<INetFwRules>& rules) {
    if (!policy_)
      PLUMB_COM(::CoCreateInstance(__uuidof(NetFwPolicy2), nullptr, CLSCTX_INPROC_SERVER, __uuidof(INetFwPolicy2),
                                   reinterpret_cast<void**>(policy_.Out())),
                "reach the firewall (INetFwPolicy2)");
    PLUMB_COM(policy_->get_Rules(rules.Out()), "read the rules");
    return OkStatus();
  }

  bool initialized_ = false;
  Com<INetFwPolicy2> policy_;
};

#undef PLUMB_COM

}  // namespace

std::unique_ptr<Firewall> MakeSystemFirewall() { return std::make_unique<ComFirewall>(); }

}  // namespace plumb
