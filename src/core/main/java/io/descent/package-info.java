/**
 * Descent: linear and logistic regression by gradient methods. {@link io.descent.Descent} is the
 * library's entry point; the packages below follow the data's one way through: {@code data}
 * (CSV to {@code Dataset}), {@code loss}, {@code gradient} (the backends), {@code optim},
 * {@code train}, {@code model}, and {@code cli} on top.
 */
package io.descent;
