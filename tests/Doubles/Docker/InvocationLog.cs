using System.Text;
using System.Text.Json;

namespace Blacksmith.Doubles.Docker;

/// <summary>
/// Lets a test see exactly what the code under test ran: one JSON line per invocation, <c>{"args":[...]}</c>, appended
/// to the file named by BLACKSMITH_DOCKER_DOUBLE_LOG.
/// </summary>
internal static class InvocationLog
{
    public static async Task AppendAsync(string path, IReadOnlyList<string> args)
    {
        using var buffer = new MemoryStream();
        await using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WritePropertyName("args");
            json.WriteStartArray();
            foreach (var argument in args)
            {
                json.WriteStringValue(argument);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        await File.AppendAllTextAsync(path, Encoding.UTF8.GetString(buffer.ToArray()) + "\n");
    }
}
