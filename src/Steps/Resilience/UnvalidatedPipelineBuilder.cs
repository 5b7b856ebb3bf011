using System.Runtime.CompilerServices;
using Polly;

namespace Blacksmith.Steps.Resilience;

/// <summary>
/// A Polly pipeline builder that does not check its options through DataAnnotations. Polly's default check describes
/// the builder and each strategy's options by reflection (TypeDescriptor) on every build, 6-9 % of a step's CPU for
/// options that are constants of ours; the builder offers no public way to replace it, so its setter is reached
/// through an <see cref="UnsafeAccessorAttribute"/> (bound when first called, without reflection, Native AOT safe).
/// CallPipelineBuildTests checks every shape's options against Polly's own check instead, and that none is made on a
/// step's path. A Polly without that setter keeps its check: slower, never wrong.
/// </summary>
internal static class UnvalidatedPipelineBuilder
{
    // Polly's validator is an Action<ResilienceValidationContext>, a type of its own that is internal; Action is
    // contravariant, so an Action<object> is one, and accepting anything is what a check that never fails does.
    private static readonly Action<object> NoCheck = static _ => { };

    public static ResiliencePipelineBuilder Create(TimeProvider time)
    {
        var builder = new ResiliencePipelineBuilder { TimeProvider = time };
        try
        {
            SetValidator(builder, NoCheck);
        }
        catch (Exception ex) when (ex is MissingMethodException or TypeLoadException)
        {
            // The member or its type moved in another Polly version: the builder validates as Polly does by default.
        }

        return builder;
    }

    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "set_Validator")]
    private static extern void SetValidator(
        ResiliencePipelineBuilderBase builder,
        [UnsafeAccessorType("System.Action`1[[Polly.ResilienceValidationContext, Polly.Core]], System.Private.CoreLib")] object validator);
}
