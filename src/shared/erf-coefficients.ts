// Coefficients of fdlibm's erf (FreeBSD msun s_erf.c), shared verbatim by assembly/activation.ts and
// src/reference/activation.ts (valid AssemblyScript and TypeScript; AssemblyScript reads `number` as f64).
// The method is documented at `erf` in assembly/activation.ts.
//
// ====================================================
// Copyright (C) 1993 by Sun Microsystems, Inc. All rights reserved.
//
// Developed at SunPro, a Sun Microsystems, Inc. business.
// Permission to use, copy, modify, and distribute this
// software is freely granted, provided that this notice
// is preserved.
// ====================================================

/** erx = (float)0.84506291151, the value of erf(1) rounded to 24 bits. */
export const ERX: number = 8.45062911510467529297e-1;
/** 2/√π − 1, for |x| < 2^−28 where erf(x) = x + x·EFX. */
export const EFX: number = 1.28379167095512586316e-1;
export const PP0: number = 1.28379167095512558561e-1;
export const PP1: number = -3.25042107247001499370e-1;
export const PP2: number = -2.84817495755985104766e-2;
export const PP3: number = -5.77027029648944159157e-3;
export const PP4: number = -2.37630166566501626084e-5;
export const QQ1: number = 3.97917223959155352819e-1;
export const QQ2: number = 6.50222499887672944485e-2;
export const QQ3: number = 5.08130628187576562776e-3;
export const QQ4: number = 1.32494738004321644526e-4;
export const QQ5: number = -3.96022827877536812320e-6;
export const PA0: number = -2.36211856075265944077e-3;
export const PA1: number = 4.14856118683748331666e-1;
export const PA2: number = -3.72207876035701323847e-1;
export const PA3: number = 3.18346619901161753674e-1;
export const PA4: number = -1.10894694282396677476e-1;
export const PA5: number = 3.54783043256182359371e-2;
export const PA6: number = -2.16637559486879084300e-3;
export const QA1: number = 1.06420880400844228286e-1;
export const QA2: number = 5.40397917702171048937e-1;
export const QA3: number = 7.18286544141962662868e-2;
export const QA4: number = 1.26171219808761642112e-1;
export const QA5: number = 1.36370839120290507362e-2;
export const QA6: number = 1.19844998467991074170e-2;
export const RA0: number = -9.86494403484714822705e-3;
export const RA1: number = -6.93858572707181764372e-1;
export const RA2: number = -1.05586262253232909814e1;
export const RA3: number = -6.23753324503260060396e1;
export const RA4: number = -1.62396669462573470355e2;
export const RA5: number = -1.84605092906711035994e2;
export const RA6: number = -8.12874355063065934246e1;
export const RA7: number = -9.81432934416914548592e0;
export const SA1: number = 1.96512716674392571292e1;
export const SA2: number = 1.37657754143519042600e2;
export const SA3: number = 4.34565877475229228821e2;
export const SA4: number = 6.45387271733267880336e2;
export const SA5: number = 4.29008140027567833386e2;
export const SA6: number = 1.08635005541779435134e2;
export const SA7: number = 6.57024977031928170135e0;
export const SA8: number = -6.04244152148580987438e-2;
export const RB0: number = -9.86494292470009928597e-3;
export const RB1: number = -7.99283237680523006574e-1;
export const RB2: number = -1.77579549177547519889e1;
export const RB3: number = -1.60636384855821916062e2;
export const RB4: number = -6.37566443368389627722e2;
export const RB5: number = -1.02509513161107724954e3;
export const RB6: number = -4.83519191608651397019e2;
export const SB1: number = 3.03380607434824582924e1;
export const SB2: number = 3.25792512996573918826e2;
export const SB3: number = 1.53672958608443695994e3;
export const SB4: number = 3.19985821950859553908e3;
export const SB5: number = 2.55305040643316442583e3;
export const SB6: number = 4.74528541206955367215e2;
export const SB7: number = -2.24409524465858183362e1;

