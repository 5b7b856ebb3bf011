using System.Globalization;
using System.Text.RegularExpressions;
using Blacksmith.Orchestration.Ports;

namespace Blacksmith.Infrastructure.Buildx;

/// <summary>
/// Reads <c>docker buildx inspect</c> output, from old buildx (Flags, Buildkit) to new (BuildKit daemon flags,
/// BuildKit version, Devices). Top-level lines are <c>Key: value</c> padded by a tabwriter; sections (Features,
/// Labels, Devices, GC Policy rule#N) hold indented lines, so indentation, not key names, decides where a line
/// belongs: a device's indented <c>Name</c> never starts a node.
/// </summary>
public static partial class BuildxInspectParser
{
    private const string Operation = "buildx.inspect";

    public static BuilderInspection Parse(string output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var state = new ParseState();
        foreach (var raw in output.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Trim().Length == 0)
            {
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                continue;
            }

            var key = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            if (char.IsWhiteSpace(line[0]))
            {
                state.SectionLine(key, value);
            }
            else
            {
                state.TopLevelLine(key, value);
            }
        }

        return state.Finish();
    }

    private enum Section
    {
        None,
        Features,
        Labels,
        Devices,
        GcRule,
    }

    [GeneratedRegex("(?<key>[^\\s=]+)=\"(?<value>[^\"]*)\"")]
    private static partial Regex DriverOption();

    [GeneratedRegex(@"^gc policy rule#\d+$", RegexOptions.IgnoreCase)]
    private static partial Regex GcRuleHeader();

    private sealed class ParseState
    {
        private readonly List<BuilderNode> _nodes = [];
        private string? _name;
        private string? _driver;
        private DateTimeOffset? _lastActivity;
        private string? _error;
        private NodeDraft? _node;
        private Section _section;
        private GcDraft? _gc;

        public void TopLevelLine(string key, string value)
        {
            CloseGcRule();
            _section = Section.None;
            switch (key.ToLowerInvariant())
            {
                case "name" when _name is null:
                    _name = value;
                    break;
                case "name":
                    CloseNode();
                    _node = new NodeDraft(value);
                    break;
                case "driver" when _node is null:
                    _driver = value;
                    break;
                case "last activity":
                    _lastActivity = ParseActivity(value);
                    break;
                case "error" when _node is null:
                    _error = value;
                    break;
                case "endpoint" when _node is not null:
                    _node.Endpoint = value;
                    break;
                case "status" when _node is not null:
                    _node.Status = value;
                    break;
                case "flags" or "buildkit daemon flags" when _node is not null:
                    _node.Flags = value;
                    break;
                case "buildkit" or "buildkit version" when _node is not null:
                    _node.Version = value;
                    break;
                case "driver options" when _node is not null:
                    foreach (Match option in DriverOption().Matches(value))
                    {
                        _node.DriverOptions[option.Groups["key"].Value] = option.Groups["value"].Value;
                    }

                    break;
                case "platforms" when _node is not null:
                    _node.Platforms = ParsePlatforms(value);
                    break;
                case "features":
                    _section = Section.Features;
                    break;
                case "labels":
                    _section = Section.Labels;
                    break;
                case "devices":
                    _section = Section.Devices;
                    break;
                case var header when GcRuleHeader().IsMatch(header):
                    _section = Section.GcRule;
                    _gc = new GcDraft();
                    break;
            }
        }

        public void SectionLine(string key, string value)
        {
            switch (_section)
            {
                case Section.Features when _node is not null:
                    // As docker/actions-toolkit reads it: any non-empty value means the feature is listed.
                    _node.Features[key] = value.Length > 0;
                    break;
                case Section.Labels when _node is not null:
                    _node.Labels[key] = value;
                    break;
                case Section.GcRule when _gc is not null:
                    _gc.Set(key, value);
                    break;
            }
        }

        public BuilderInspection Finish()
        {
            CloseGcRule();
            CloseNode();
            if (string.IsNullOrEmpty(_name))
            {
                throw new ExternalCallException(Operation, ExternalErrorKind.BadReply, "docker buildx inspect printed no builder name (expected a 'Name:' line)");
            }

            return new BuilderInspection(_name, _driver, _lastActivity, _error, _nodes);
        }

        private void CloseGcRule()
        {
            if (_gc is not null && _node is not null)
            {
                _node.GcPolicy.Add(_gc.ToRule());
            }

            _gc = null;
        }

        private void CloseNode()
        {
            CloseGcRule();
            if (_node is not null)
            {
                _nodes.Add(_node.ToNode());
            }

            _node = null;
        }

        private static string[] ParsePlatforms(string value)
        {
            var all = value.Split(", ", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            // A star marks platforms the user pinned; when there are any, only they count.
            var pinned = all.Where(p => p.EndsWith('*')).Select(p => p.TrimEnd('*')).ToArray();
            return pinned.Length > 0 ? pinned : all;
        }

        private static DateTimeOffset? ParseActivity(string value)
        {
            // Go prints "2023-01-16 09:45:23 +0000 UTC".
            var parts = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length < 3
                || !DateTime.TryParseExact($"{parts[0]} {parts[1]}", "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.None, out var local)
                || parts[2].Length != 5
                || !int.TryParse(parts[2].AsSpan(1, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var hours)
                || !int.TryParse(parts[2].AsSpan(3, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var minutes))
            {
                return null;
            }

            var offset = new TimeSpan(hours, minutes, 0) * (parts[2][0] == '-' ? -1 : 1);
            return new DateTimeOffset(local, offset);
        }
    }

    private sealed class NodeDraft(string name)
    {
        public string? Endpoint { get; set; }

        public string? Status { get; set; }

        public string? Flags { get; set; }

        public string? Version { get; set; }

        public Dictionary<string, string> DriverOptions { get; } = new(StringComparer.Ordinal);

        public IReadOnlyList<string> Platforms { get; set; } = [];

        public Dictionary<string, bool> Features { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, string> Labels { get; } = new(StringComparer.Ordinal);

        public List<GcPolicyRule> GcPolicy { get; } = [];

        public BuilderNode ToNode() => new(name, Endpoint, Status, Flags, Version, DriverOptions, Platforms, Features, Labels, GcPolicy);
    }

    private sealed class GcDraft
    {
        private readonly Dictionary<string, string> _values = new(StringComparer.OrdinalIgnoreCase);

        public void Set(string key, string value) => _values[key] = value;

        public GcPolicyRule ToRule() => new(
            Get("all") == "true",
            Get("filters") is { Length: > 0 } filters ? filters.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) : [],
            Get("keep duration"),
            Get("keep bytes"),
            Get("reserved space"),
            Get("max used space"),
            Get("min free space"));

        private string? Get(string key) => _values.TryGetValue(key, out var value) ? value : null;
    }
}
