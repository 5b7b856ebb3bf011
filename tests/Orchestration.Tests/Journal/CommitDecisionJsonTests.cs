using System.Text;
using System.Text.Json;
using Blacksmith.Orchestration.Journal;
using Blacksmith.Orchestration.Policy;
using Bogus;

namespace Blacksmith.Orchestration.Tests.Journal;

/// <summary>
/// A decision's hand-written payload against the source-generated polymorphic <c>CommitDecision</c> it replaced: the
/// same bytes for every decision, and the same payloads taken (as the same decision) and refused.
/// </summary>
public sealed class CommitDecisionJsonTests
{
    private const int Seeds = 400;

    private static readonly string[] Corpus =
    [
        "null", "[]", "\"commit\"", "1", "{}", "{\"x\":1}",
        "{\"decision\":\"skip\",\"reason\":\"NoSetup\",\"detail\":\"d\",\"also\":[]}", "{\"decision\":\"commit\"}",
        "{\"decision\":\"commit\",\"fsUsageBytes\":5}", "{\"decision\":\"commit\",\"fsUsageBytes\":null}", "{\"decision\":\"commit\",\"fsUsageBytes\":\"5\"}",
        "{\"decision\":\"commit\",\"fsUsageBytes\":5.0}", "{\"decision\":\"commit\",\"fsUsageBytes\":99999999999999999999}",
        "{\"decision\":\"commit\",\"fsUsageBytes\":5,\"fsUsageBytes\":6}", "{\"fsUsageBytes\":5,\"decision\":\"commit\"}",
        "{\"reason\":\"NoSetup\",\"detail\":\"d\",\"also\":[],\"decision\":\"skip\"}", "{\"decision\":\"Skip\",\"reason\":\"NoSetup\",\"detail\":\"d\",\"also\":[]}",
        "{\"decision\":\"other\"}", "{\"decision\":1}", "{\"decision\":null}", "{\"decision\":\" commit\"}", "{\"Decision\":\"commit\"}",
        "{\"decision\":\"skip\",\"detail\":\"d\",\"also\":[]}", "{\"decision\":\"skip\",\"reason\":\"NoSetup\",\"also\":[]}",
        "{\"decision\":\"skip\",\"reason\":\"NoSetup\",\"detail\":\"d\"}", "{\"decision\":\"skip\",\"reason\":\"NoSetup\",\"detail\":null,\"also\":[]}",
        "{\"decision\":\"skip\",\"reason\":\"NoSetup\",\"detail\":\"d\",\"also\":null}", "{\"decision\":\"skip\",\"reason\":null,\"detail\":\"d\",\"also\":[]}",
        "{\"decision\":\"skip\",\"reason\":\"nosetup\",\"detail\":\"d\",\"also\":[\"buildfailed\",\" BuildFailed \",\"1\",\"NotOwner, SetupFailed\",99]}",
        "{\"decision\":\"skip\",\"reason\":\"NoSetup\",\"detail\":\"d\",\"also\":[null]}", "{\"decision\":\"skip\",\"reason\":\"NoSetup\",\"detail\":\"d\",\"also\":{}}",
        "{\"decision\":\"skip\",\"reason\":\"NoSetup\",\"detail\":\"d\",\"also\":[],\"decision\":\"commit\"}", "{\"decision\":\"skip\",\"decision\":\"commit\"}",
        "{\"decision\":\"commit\",\"decision\":\"skip\"}", "{\"decision\":\"commit\",\"$type\":\"x\"}", "{\"decision\":\"commit\",\"$id\":\"1\"}",
        "{\"$id\":\"1\",\"decision\":\"commit\"}", "{\"decision\":\"commit\",\"$ref\":\"1\"}", "{\"$type\":\"commit\"}", "{\"decision\":\"commit\",\"$foo\":1}",
        "{\"decision\":\"commit\",\"\\u0024foo\":1}", "{\"$foo\":1,\"decision\":\"commit\"}", "{\"decision\":\"commit\",\"x$\":1}", "{\"decision\":\"commit\",\"$\":1}",
        "{\"decision\":\"skip\",\"reason\":\"NoSetup\",\"detail\":\"d\",\"also\":[],\"$values\":[]}",
        "{\"decision\":\"skip\",\"reason\":\"NoSetup\",\"detail\":\"d\",\"also\":[],\"also\":[\"NotOwner\"]}",
        "{\"decision\":\"skip\",\"reason\":\"NoSetup\",\"detail\":\"d\",\"also\":[],\"extra\":{\"a\":[1,2]}}",
        "{\"decision\":\"skip\",\"reason\":\"\",\"detail\":\"d\",\"also\":[]}", "{\"decision\":\"skip\",\"reason\":\"No Setup\",\"detail\":\"d\",\"also\":[]}",
        "{\"decision\":\"skip\",\"reason\":\"NoSetup ,NotOwner\",\"detail\":\"d\",\"also\":[]}", "{\"decision\":\"skip\",\"reason\":\",NoSetup\",\"detail\":\"d\",\"also\":[]}",
        "{\"decision\":\"skip\",\"reason\":\"NoSetup,,NotOwner\",\"detail\":\"d\",\"also\":[]}", "{\"decision\":\"skip\",\"reason\":\"NoSetup,\",\"detail\":\"d\",\"also\":[]}",
        "{\"decision\":\"skip\",\"reason\":\"\\u00a0NoSetup\\u2003\",\"detail\":\"d\",\"also\":[]}", "{\"decision\":\"skip\",\"reason\":\"1 \",\"detail\":\"d\",\"also\":[]}",
        "{\"decision\":\"skip\",\"reason\":\"1,2\",\"detail\":\"d\",\"also\":[]}", "{\"decision\":\"skip\",\"reason\":\"NoSetup,2\",\"detail\":\"d\",\"also\":[]}",
        "{\"decision\":\"skip\",\"reason\":\"\\u0661\",\"detail\":\"d\",\"also\":[]}", "{\"decision\":\"skip\",\"reason\":\"-2147483648\",\"detail\":\"d\",\"also\":[]}",
        "{\"decision\":\"skip\",\"reason\":\"2147483648\",\"detail\":\"d\",\"also\":[]}", "{\"decision\":\"skip\",\"reason\":\"0x1\",\"detail\":\"d\",\"also\":[]}",
        "{\"decision\":\"skip\",\"reason\":\"nOsEtUp\",\"detail\":\"d\",\"also\":[]}", "{\"decision\":\"skip\",\"reason\":\"NOSETUP\",\"detail\":\"d\",\"also\":[[]]}",
        "{\"decision\":\"skip\",\"reason\":99,\"detail\":\"d\",\"also\":[]}", "{\"decision\":\"skip\",\"reason\":\"NoSetup\",\"detail\":1,\"also\":[]}",
        "{\"decision\":\"skip\",\"reason\":1.5,\"detail\":\"d\",\"also\":[]}", "{\"decision\":\"skip\",\"Reason\":\"NoSetup\",\"detail\":\"d\",\"also\":[]}",
        "{\"decision\":\"commit\",\"fsUsageBytes\":-0}", "{\"decision\":\"commit\",\"fsUsageBytes\":1e2}", "{\"decision\":\"commit\",\"FsUsageBytes\":3}",
        "{\"\\u0064ecision\":\"commit\"}", "{\"decision\":\"\\u0063ommit\"}", "{\"decision\":\"commit\",\"isCommit\":true}",
        "{\"decision\":\"skip\",\"reason\":\"BuildFailed\",\"detail\":\"1 build(s) failed: web\",\"also\":[\"EarlierStepFailed\"],\"isCommit\":false}",
    ];

    [Fact]
    public void Every_decision_is_written_byte_for_byte_as_the_serializer_wrote_it()
    {
        for (var seed = 0; seed < Seeds; seed++)
        {
            var decision = Decision(new Faker { Random = new Randomizer(seed) });

            var expected = JsonSerializer.SerializeToElement(decision, JournalJsonContext.Default.CommitDecision).GetRawText();
            var actual = CommitDecisionJson.Encode(decision).GetRawText();

            Assert.True(expected == actual, $"seed {seed}: the serializer wrote {expected}, the hand-written path {actual}");
        }
    }

    [Fact]
    public void Every_decision_written_reads_back_as_itself()
    {
        for (var seed = 0; seed < Seeds; seed++)
        {
            var decision = Decision(new Faker { Random = new Randomizer(seed) });

            var read = CommitDecisionJson.Decode(CommitDecisionJson.Encode(decision));

            Assert.True(Describe(decision) == Describe(read), $"seed {seed}: {Describe(decision)} read back as {Describe(read)}");
        }
    }

    [Fact]
    public void A_corpus_of_odd_payloads_is_taken_or_refused_as_the_serializer_did()
    {
        foreach (var payload in Corpus)
        {
            AssertReadAlike(JsonDocument.Parse(payload).RootElement, $"corpus payload {payload}");
        }
    }

    [Fact]
    public void Mutated_payloads_are_taken_or_refused_as_the_serializer_did()
    {
        var compared = 0;
        for (var seed = 0; seed < Seeds; seed++)
        {
            var f = new Faker { Random = new Randomizer(seed) };
            var payload = CommitDecisionJson.Encode(Decision(f)).GetRawText();
            foreach (var mutated in JsonVariety.Mutations(f, payload, 10))
            {
                // A decision's payload is a value the line's JSON has parsed already; what is not JSON never gets here.
                if (Parsed(mutated) is { } element)
                {
                    AssertReadAlike(element, $"seed {seed}: {Encoding.UTF8.GetString(mutated)}");
                    compared++;
                }
            }
        }

        Assert.True(compared > Seeds * 3, $"only {compared} mutations were JSON");
    }

    [Fact]
    public void The_reason_names_are_the_enums_own_in_order()
    {
        Assert.Equal(Enum.GetNames<SkipReason>(), CommitDecisionJson.ReasonNames);
        Assert.Equal(Enumerable.Range(0, CommitDecisionJson.ReasonNames.Length), Enum.GetValues<SkipReason>().Select(r => (int)r));
    }

    private static void AssertReadAlike(JsonElement payload, string what)
    {
        var expected = ReadOutcome.Of(() => payload.Deserialize(JournalJsonContext.Default.CommitDecision), Describe, Refusal);
        var actual = ReadOutcome.Of(() => CommitDecisionJson.Decode(payload), Describe, Refusal);
        Assert.True(expected.Accepted == actual.Accepted && expected.Value == actual.Value,
            $"{what}: the serializer {expected}, the hand-written reader {actual}");
        Assert.True(actual.Accepted || actual.Refusal.StartsWith(nameof(JsonException), StringComparison.Ordinal), $"{what}: refused with {actual.Refusal}");
    }

    // The serializer refused an object without its discriminator first with NotSupportedException, and a string with
    // half a surrogate pair with InvalidOperationException; LifecycleFold let both escape.
    private static string? Refusal(Exception ex) => ex switch
    {
        JsonException => nameof(JsonException),
        NotSupportedException or InvalidOperationException => ex.GetType().Name,
        _ => null,
    };

    private static string Describe(CommitDecision? decision) => decision switch
    {
        null => "null",
        CommitDecision.Commit commit => $"commit {commit.FsUsageBytes?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(no usage)"}",
        CommitDecision.Skip skip => $"skip {(int)skip.Reason} [{string.Join(",", skip.Also.Select(r => (int)r))}] {skip.Detail}",
        _ => decision.GetType().Name,
    };

    private static JsonElement? Parsed(byte[] json)
    {
        try
        {
            return JsonDocument.Parse(json).RootElement;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static CommitDecision Decision(Faker f) => f.Random.Bool()
        ? new CommitDecision.Commit(f.Random.Bool(0.3f) ? null : f.Random.Bool(0.9f) ? f.Random.Long(0, 1L << 45) : f.Random.Long(long.MinValue, long.MaxValue))
        : new CommitDecision.Skip(Reason(f), JsonVariety.Text(f), [.. Enumerable.Range(0, f.Random.Int(0, 4)).Select(_ => Reason(f))]);

    private static SkipReason Reason(Faker f) => f.Random.Bool(0.95f) ? f.PickRandom<SkipReason>() : (SkipReason)f.Random.Int(-3, 40);
}
