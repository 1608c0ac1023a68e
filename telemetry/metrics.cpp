#include "telemetry/metrics.hpp"

#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

namespace revaer {
namespace {

std::string escape_label_value(const std::string& value) {
  std::string escaped;
  for (const char c : value) {
    if (c == '\\') {
      escaped += "\\\\";
    } else if (c == '"') {
      escaped += "\\\"";
    } else if (c == '\n') {
      escaped += "\\n";
    } else {
      escaped.push_back(c);
    }
  }
  return escaped;
}

std::string format_value(double value) {
  if (std::isnan(value)) {
    return "NaN";
  }
  if (std::isinf(value)) {
    return value > 0 ? "+Inf" : "-Inf";
  }
  return fmt::format("{}", value);
}

// Appends the _bucket, _sum and _count lines of one histogram series.
void render_histogram(const std::string& name, const MetricLabels& labels,
                      const Histogram& histogram, std::string& text) {
  const Histogram::Snapshot snapshot = histogram.snapshot();
  for (std::size_t i = 0; i < snapshot.cumulative.size(); ++i) {
    MetricLabels with_bound = labels;
    with_bound.emplace_back("le", i < snapshot.bounds.size()
                                      ? format_value(snapshot.bounds[i])
                                      : std::string("+Inf"));
    text += name + "_bucket" + format_labels(with_bound) + " " +
            std::to_string(snapshot.cumulative[i]) + "\n";
  }
  const std::string rendered = format_labels(labels);
  text += name + "_sum" + rendered + " " + format_value(snapshot.sum) + "\n";
  text += name + "_count" + rendered + " " + std::to_string(snapshot.count()) +
          "\n";
}

}  // namespace

std::string format_labels(const MetricLabels& labels) {
  if (labels.empty()) {
    return "";
  }
  std::string text = "{";
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (i > 0) {
      text += ",";
    }
    text += labels[i].first + "=\"" + escape_label_value(labels[i].second) + "\"";
  }
  return text + "}";
}

MetricsRegistry::Family& MetricsRegistry::family(const std::string& name,
                                                 const std::string& type,
                                                 const std::string& help) {
  auto [it, inserted] = families_.try_emplace(name);
  if (inserted) {
    it->second.type = type;
    it->second.help = help;
  } else if (it->second.type != type) {
    throw std::logic_error("metric '" + name + "' registered as " +
                           it->second.type + " and " + type);
  }
  return it->second;
}

Counter& MetricsRegistry::counter(const std::string& name,
                                  const std::string& help,
                                  const MetricLabels& labels) {
  std::lock_guard lock(mutex_);
  auto& slot = family(name, "counter", help).counters[format_labels(labels)];
  if (!slot) {
    slot = std::make_unique<Counter>();
  }
  return *slot;
}

Gauge& MetricsRegistry::gauge(const std::string& name, const std::string& help,
                              const MetricLabels& labels) {
  std::lock_guard lock(mutex_);
  auto& slot = family(name, "gauge", help).gauges[format_labels(labels)];
  if (!slot) {
    slot = std::make_unique<Gauge>();
  }
  return *slot;
}

Histogram& MetricsRegistry::histogram(const std::string& name,
                                      const std::string& help,
                                      const MetricLabels& labels,
                                      const std::vector<double>& bounds) {
  std::lock_guard lock(mutex_);
  auto& slot = family(name, "histogram", help).histograms[format_labels(labels)];
  if (!slot.histogram) {
    slot.labels = labels;
    slot.histogram = std::make_unique<Histogram>(bounds);
  }
  return *slot.histogram;
}

void MetricsRegistry::declare(const std::string& name, const std::string& type,
                              const std::string& help) {
  if (type != "counter" && type != "gauge" && type != "histogram") {
    throw std::logic_error("metric '" + name + "' has unknown type " + type);
  }
  std::lock_guard lock(mutex_);
  family(name, type, help);
}

void MetricsRegistry::add_collector(Collector collector) {
  std::lock_guard lock(collectors_mutex_);
  collectors_.push_back(std::move(collector));
}

void MetricsRegistry::run_collectors() const {
  std::vector<Collector> collectors;
  {
    std::lock_guard lock(collectors_mutex_);
    collectors = collectors_;
  }
  for (const Collector& collect : collectors) {
    collect();
  }
}

std::string MetricsRegistry::render() const {
  run_collectors();
  std::lock_guard lock(mutex_);
  std::string text;
  for (const auto& [name, family] : families_) {
    text += "# HELP " + name + " " + family.help + "\n";
    text += "# TYPE " + name + " " + family.type + "\n";
    for (const auto& [labels, counter] : family.counters) {
      text += name + labels + " " + std::to_string(counter->value()) + "\n";
    }
    for (const auto& [labels, gauge] : family.gauges) {
      text += name + labels + " " + format_value(gauge->value()) + "\n";
    }
    for (const auto& [labels, series] : family.histograms) {
      render_histogram(name, series.labels, *series.histogram, text);
    }
  }
  return text;
}

std::map<std::string, double> MetricsRegistry::snapshot() const {
  run_collectors();
  std::lock_guard lock(mutex_);
  std::map<std::string, double> values;
  for (const auto& [name, family] : families_) {
    if (family.type == "counter") {
      double total = 0.0;
      for (const auto& [labels, counter] : family.counters) {
        total += static_cast<double>(counter->value());
      }
      values[name] = total;
    } else if (family.type == "gauge") {
      const auto plain = family.gauges.find("");
      double total = 0.0;
      for (const auto& [labels, gauge] : family.gauges) {
        total += gauge->value();
      }
      values[name] = plain != family.gauges.end() ? plain->second->value() : total;
    } else {
      double count = 0.0;
      double sum = 0.0;
      for (const auto& [labels, series] : family.histograms) {
        const Histogram::Snapshot snapshot = series.histogram->snapshot();
        count += static_cast<double>(snapshot.count());
        sum += snapshot.sum;
      }
      values[name + "_count"] = count;
      values[name + "_sum"] = sum;
    }
  }
  return values;
}

}  // namespace revaer
