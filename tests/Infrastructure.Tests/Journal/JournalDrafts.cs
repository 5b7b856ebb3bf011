using System.Text.Json;
using Blacksmith.Orchestration.Journal;
using Bogus;

namespace Blacksmith.Infrastructure.Tests.Journal;

/// <summary>
/// Varied journal drafts: payload text with quotes, newlines and non-ASCII, which must each stay on one line.
/// Seeded, so that a failure reproduces.
/// </summary>
public sealed class JournalDrafts(int seed)
{
    private readonly Faker _faker = new() { Random = new Randomizer(seed) };

    public JournalDraft Next()
    {
        var arguments = new Dictionary<string, string>
        {
            ["key"] = _faker.Random.AlphaNumeric(12),
            ["note"] = _faker.Lorem.Sentences(2, "\n") + " \"quoted\" \u00e9\u4e2d\ud83d\ude80",
        };
        var effect = new EffectRecord(
            _faker.PickRandom("stickydisk", "buildkitd", "buildx", "agent"),
            _faker.PickRandom("expose", "mount", "spawn", "commit"),
            arguments,
            _faker.PickRandom<EffectOutcome>(),
            _faker.Random.Long(0, 60_000),
            Result: _faker.Random.Bool() ? JsonSerializer.SerializeToElement(_faker.System.FilePath(), JournalJsonContext.Default.String) : null,
            Message: _faker.Random.Bool() ? _faker.Hacker.Phrase() : null);
        var ts = new DateTimeOffset(_faker.Date.Between(new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc), new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc)), TimeSpan.Zero);
        return new JournalDraft(
            ts,
            $"session-{_faker.Random.Number(1, 5)}",
            _faker.PickRandom<JournalRecordKind>(),
            $"{effect.Port}.{effect.Method}",
            JsonSerializer.SerializeToElement(effect, JournalJsonContext.Default.EffectRecord));
    }

    public IReadOnlyList<JournalDraft> Take(int count) => [.. Enumerable.Range(0, count).Select(_ => Next())];

    /// <summary>
    /// One journal line as the file holds it, without its newline; also how tests compare records, which hold a
    /// <see cref="JsonElement"/> that compares by reference.
    /// </summary>
    public static string Line(JournalRecord record) => JsonSerializer.Serialize(record, JournalJsonContext.Default.JournalRecord);
}
