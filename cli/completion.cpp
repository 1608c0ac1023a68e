#include "cli/completion.hpp"

#include <vector>

#include <CLI/CLI.hpp>

#include "cli/options.hpp"

namespace revaer::client {

namespace {

constexpr const char* kFileChoice = "__files__";

// One command of the tree: its path below the root ("" for the root,
// "config set" for a subcommand), its subcommands, its flags and the values
// its options and positionals accept.
struct CommandNode {
  std::string path;
  std::vector<std::string> subcommands;
  std::vector<std::string> flags;
  std::vector<std::pair<std::string, std::string>> values;  // option, words
  std::string positional_values;
};

std::string join(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& word : words) {
    out += (out.empty() ? "" : " ") + word;
  }
  return out;
}

// Returns the words of a CLI::IsMember check ("TEXT:{a,b}" gives "a b"), the
// file marker for file arguments, or "" when any text is accepted.
std::string value_words(const CLI::Option& option) {
  const auto type = option.get_type_name();
  const auto open = type.find('{');
  const auto close = type.find('}', open);
  if (open != std::string::npos && close != std::string::npos) {
    auto words = type.substr(open + 1, close - open - 1);
    std::replace(words.begin(), words.end(), ',', ' ');
    return words;
  }
  const auto& names = option.get_lnames();
  const bool file =
      std::any_of(names.begin(), names.end(),
                  [](const std::string& name) { return name.find("file") != std::string::npos; }) ||
      option.get_name() == "source";
  return file ? kFileChoice : "";
}

void add_options(const CLI::App& app, CommandNode& node, bool globals_only) {
  for (const CLI::Option* option : app.get_options({})) {
    const bool help = option->get_name() == "--help" || option->get_name() == "--version";
    if (globals_only && help) {
      continue;
    }
    if (option->get_positional() && option->nonpositional() == false) {
      if (!globals_only) {
        const auto words = value_words(*option);
        node.positional_values += (node.positional_values.empty() ? "" : " ") + words;
      }
      continue;
    }
    const bool takes_value = option->get_expected_max() > 0;
    for (const auto& name : option->get_snames()) {
      node.flags.push_back("-" + name);
      if (takes_value) {
        node.values.emplace_back("-" + name, value_words(*option));
      }
    }
    for (const auto& name : option->get_lnames()) {
      node.flags.push_back("--" + name);
      if (takes_value) {
        node.values.emplace_back("--" + name, value_words(*option));
      }
    }
  }
}

void collect(const CLI::App& app, const CLI::App& root, const std::string& path,
             std::vector<CommandNode>& nodes) {
  CommandNode node;
  node.path = path;
  add_options(app, node, false);
  if (&app != &root) {
    add_options(root, node, true);
  }
  const auto subcommands = app.get_subcommands([](const CLI::App*) { return true; });
  for (const CLI::App* sub : subcommands) {
    node.subcommands.push_back(sub->get_name());
  }
  nodes.push_back(node);
  for (const CLI::App* sub : subcommands) {
    collect(*sub, root, path.empty() ? sub->get_name() : path + " " + sub->get_name(), nodes);
  }
}

// Shell functions shared by bash and zsh: plain case statements keyed by
// the command path, so both shells read them the same way.
std::string shared_functions(const std::vector<CommandNode>& nodes) {
  std::string subcommands = "_revaer_subcommands() {\n  case \"$1\" in\n";
  std::string flags = "_revaer_flags() {\n  case \"$1\" in\n";
  std::string values = "_revaer_values() {\n  case \"$1|$2\" in\n";
  std::string positionals = "_revaer_positionals() {\n  case \"$1\" in\n";
  for (const auto& node : nodes) {
    const auto key = "\"" + node.path + "\"";
    subcommands += "    " + key + ") echo \"" + join(node.subcommands) + "\" ;;\n";
    flags += "    " + key + ") echo \"" + join(node.flags) + "\" ;;\n";
    for (const auto& [option, words] : node.values) {
      values += "    \"" + node.path + "|" + option + "\") echo \"" + words + " \" ;;\n";
    }
    if (!node.positional_values.empty()) {
      positionals += "    " + key + ") echo \"" + node.positional_values + "\" ;;\n";
    }
  }
  const std::string end = "  esac\n}\n\n";
  values += "    *) return 1 ;;\n";

  // Walks the words before the cursor and prints the command path they
  // select, skipping flags and the values of options that take one.
  const std::string path_function = R"SH(_revaer_path() {
  local cmd="" word skip=0 sub
  for word in "$@"; do
    if [ "$skip" = 1 ]; then
      skip=0
      continue
    fi
    case "$word" in
      --*=*) continue ;;
      -*)
        if _revaer_values "$cmd" "$word" > /dev/null; then
          skip=1
        fi
        continue ;;
    esac
    for sub in $(_revaer_subcommands "$cmd"); do
      if [ "$sub" = "$word" ]; then
        cmd="${cmd:+$cmd }$word"
        break
      fi
    done
  done
  echo "$cmd"
}

)SH";
  return subcommands + end + flags + end + values + end + positionals + end + path_function;
}

std::string bash_script(const std::vector<CommandNode>& nodes) {
  return "# bash completion for revaer. Load it with: source <(revaer completion bash)\n\n" +
         shared_functions(nodes) + R"SH(_revaer() {
  local cur="${COMP_WORDS[COMP_CWORD]}" prev="${COMP_WORDS[COMP_CWORD-1]}"
  local cmd words
  cmd="$(_revaer_path "${COMP_WORDS[@]:1:COMP_CWORD-1}")"
  if [[ "$prev" == -* ]] && words="$(_revaer_values "$cmd" "$prev")"; then
    if [[ "$words" == *__files__* ]]; then
      COMPREPLY=($(compgen -f -- "$cur"))
    else
      COMPREPLY=($(compgen -W "$words" -- "$cur"))
    fi
    return 0
  fi
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$(_revaer_flags "$cmd")" -- "$cur"))
    return 0
  fi
  words="$(_revaer_subcommands "$cmd") $(_revaer_positionals "$cmd")"
  if [[ "$words" == *__files__* ]]; then
    COMPREPLY=($(compgen -f -- "$cur"))
  else
    COMPREPLY=($(compgen -W "$words" -- "$cur"))
  fi
  return 0
}

complete -F _revaer revaer
)SH";
}

std::string zsh_script(const std::vector<CommandNode>& nodes) {
  return "#compdef revaer\n"
         "# zsh completion for revaer. Load it after compinit with:\n"
         "#   source <(revaer completion zsh)\n\n" +
         shared_functions(nodes) + R"SH(_revaer() {
  local cur="${words[CURRENT]}" prev="${words[CURRENT-1]}"
  local cmd choices
  cmd="$(_revaer_path "${(@)words[2,CURRENT-1]}")"
  if [[ "$prev" == -* ]] && choices="$(_revaer_values "$cmd" "$prev")"; then
    if [[ "$choices" == *__files__* ]]; then
      _files
    else
      compadd -- ${=choices}
    fi
    return 0
  fi
  if [[ "$cur" == -* ]]; then
    compadd -- ${=$(_revaer_flags "$cmd")}
    return 0
  fi
  choices="$(_revaer_subcommands "$cmd") $(_revaer_positionals "$cmd")"
  if [[ "$choices" == *__files__* ]]; then
    _files
  else
    compadd -- ${=choices}
  fi
  return 0
}

compdef _revaer revaer
)SH";
}

}  // namespace

std::string completion_script(const CLI::App& root, const std::string& shell) {
  std::vector<CommandNode> nodes;
  collect(root, root, "", nodes);
  if (shell == "bash") {
    return bash_script(nodes);
  }
  if (shell == "zsh") {
    return zsh_script(nodes);
  }
  throw UsageError("unknown shell '" + shell + "': expected bash or zsh");
}

}  // namespace revaer::client
